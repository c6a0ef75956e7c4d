package market

import (
	"bytes"
	"encoding/json"
)

// Flag is a boolean that decodes the JSON booleans, 0/1 and "0"/"1" that Laravel apps send for
// TINYINT(1) columns.
type Flag bool

func (b *Flag) UnmarshalJSON(data []byte) error {
	switch string(bytes.Trim(data, `"`)) {
	case "true", "1":
		*b = true
	default:
		*b = false
	}
	return nil
}

// Bool returns the value as a bool.
func (b Flag) Bool() bool { return bool(b) }

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
