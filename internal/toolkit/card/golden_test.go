package card

var goldenSpecs = map[string]Spec{
	"en": {Text: "When I arrived, I knew no one. A neighbour brought soup, and then a whole street became my family.", Attribution: "Amal, Winnipeg", Lang: "en", Hashtag: "#ItTakesaCommunity"},
	"fr": {Text: "« Ici, on m’a appris le français, et j’ai appris à être chez moi. » Ça change tout, à côté de l’œuvre.", Attribution: "Benoît, Montréal", Lang: "fr", Hashtag: "#ItTakesaCommunity"},
	"ar": {Text: "عندما وصلت لم أكن أعرف أحداً، لكن جيراني صاروا عائلتي #ItTakesaCommunity معاً نبني بيتاً جديداً", Attribution: "أمل، وينيبيغ", Lang: "ar", Hashtag: "#ItTakesaCommunity"},
	"hi": {Text: "जब मैं यहाँ आई, मैं किसी को नहीं जानती थी। आज यह पूरा मोहल्ला मेरा परिवार है।", Attribution: "प्रिया, टोरंटो", Lang: "hi", Hashtag: "#ItTakesaCommunity"},
	"uk": {Text: "Коли я приїхала, я нікого не знала. Тепер ціла вулиця — моя родина.", Attribution: "Олена, Калгарі", Lang: "uk", Hashtag: "#ItTakesaCommunity"},
}
