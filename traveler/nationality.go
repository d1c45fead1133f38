package traveler

import "veriport/encounter"

// nationalLanguage is the language of the traveler's screen for a
// passport's nationality (ISO 3166 alpha-3, as the MRZ writes it), among
// the languages the booth has. A nationality not listed gets English; the
// officer or the traveler can change it.
var nationalLanguage = map[string]string{
	// Spanish
	"ESP": "es", "MEX": "es", "ARG": "es", "COL": "es", "CHL": "es", "PER": "es", "VEN": "es",
	"ECU": "es", "GTM": "es", "CUB": "es", "BOL": "es", "DOM": "es", "HND": "es", "PRY": "es",
	"SLV": "es", "NIC": "es", "CRI": "es", "PAN": "es", "URY": "es", "GNQ": "es",
	// French
	"FRA": "fr", "SEN": "fr", "CIV": "fr", "MLI": "fr", "BFA": "fr", "NER": "fr", "GIN": "fr",
	"BEN": "fr", "TGO": "fr", "GAB": "fr", "COG": "fr", "COD": "fr", "HTI": "fr", "MCO": "fr",
	"MDG": "fr", "CMR": "fr",
	// German
	"DEU": "de", "AUT": "de", "LIE": "de",
	// Chinese
	"CHN": "zh", "TWN": "zh", "HKG": "zh", "MAC": "zh",
	// Japanese, Korean
	"JPN": "ja", "KOR": "ko", "PRK": "ko",
	// Arabic
	"SAU": "ar", "ARE": "ar", "EGY": "ar", "JOR": "ar", "QAT": "ar", "KWT": "ar", "BHR": "ar",
	"OMN": "ar", "IRQ": "ar", "SYR": "ar", "LBN": "ar", "YEM": "ar", "LBY": "ar", "DZA": "ar",
	"TUN": "ar", "MAR": "ar", "SDN": "ar", "PSE": "ar", "MRT": "ar",
	// Hindi
	"IND": "hi",
	// Portuguese
	"PRT": "pt", "BRA": "pt", "AGO": "pt", "MOZ": "pt", "CPV": "pt", "GNB": "pt", "STP": "pt", "TLS": "pt",
	// Russian
	"RUS": "ru", "BLR": "ru", "KAZ": "ru", "KGZ": "ru",
	// Vietnamese
	"VNM": "vi",
}

// ForNationality is the language for a passport's nationality (as typed
// or read from the MRZ), English when the booth has none for it.
func (c Catalogue) ForNationality(nationality string) *Language {
	if l := c.ByCode(nationalLanguage[encounter.NormaliseNationality(nationality)]); l != nil {
		return l
	}
	return c.English()
}
