package gallery

import "time"

// Listing is one flight the service offers on a date.
type Listing struct {
	Flight      string    `json:"flight"` // designator, e.g. "UA123"
	Carrier     string    `json:"carrier"`
	Number      string    `json:"number"`
	Date        string    `json:"date"`
	Origin      string    `json:"origin"`
	Destination string    `json:"destination"`
	Departure   time.Time `json:"departure"`
	IssuedAt    time.Time `json:"issued_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	KeyID       string    `json:"key_id"`
	Entries     int       `json:"entries"`
	Size        int64     `json:"size"`
	Path        string    `json:"path"` // URL path of the bundle on the service
}

// FlightList is the body of GET /v1/flights?date=YYYY-MM-DD.
type FlightList struct {
	Date    string    `json:"date"`
	Flights []Listing `json:"flights"`
}

// BundlePath is the URL path of a flight's bundle on the service.
func BundlePath(date, flight string) string {
	return "/v1/flights/" + date + "/" + flight + "/gallery"
}
