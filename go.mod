module chorus

go 1.26
