package dod

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Kind says how a bullet is proven.
type Kind string

// The ways a bullet can be proven.
const (
	Checked  Kind = "checked"  // by the specs that carry its label
	Derived  Kind = "derived"  // by every other checked bullet of its item passing
	Document Kind = "document" // by the item's document being rendered from this run
	Manual   Kind = "manual"   // by a person; never shown as passed
)

// LabelKey is the Ginkgo label-set key of DoD labels.
const LabelKey = "dod"

// Bullet is one DoD bullet.
type Bullet struct {
	Item string `json:"-"`    // item id, e.g. "CHECKOUT-SMOKE"
	Key  string `json:"key"`  // bullet key within the item, e.g. "email"
	Text string `json:"text"` // the plan's own wording
	Kind Kind   `json:"kind"`
	How  string `json:"how"` // how the harness proves it (from DOD-MAP.md)
}

// ID returns the bullet's stable id, "ITEM.key".
func (b Bullet) ID() string { return b.Item + "." + b.Key }

// Label returns the Ginkgo label that marks a spec as proving this bullet.
func (b Bullet) Label() string { return LabelKey + ":" + b.ID() }

// Item is one work-plan item whose DoD the harness proves. It is declared once, as
// data, next to its suite (suites/<suite>/item.json, see ParseItem) and registered
// when the suite runs; nothing in pkg/ or cmd/ names an item.
type Item struct {
	ID        string   `json:"id"`         // stable id, e.g. "CHECKOUT-SMOKE"
	Title     string   `json:"title"`      // document title
	PlanTitle string   `json:"plan_title"` // the item's title in the work plan, for attaching proof
	Document  string   `json:"document"`   // the rendered document, relative to the output directory
	Suite     string   `json:"suite"`      // the suite under suites/ that proves it
	Bullets   []Bullet `json:"bullets"`

	// Layout is how the document opens: "" for a DoD checklist page, LayoutFacts for
	// a page of measured facts (PROD-FACTS-LAST) whose rows lead.
	Layout string `json:"layout,omitempty"`
	// Sections are the extra sections only this item's document renders, by name:
	// SectionPermissionMatrix, SectionDependencyMap.
	Sections []string `json:"sections,omitempty"`
	// Guards maps each fault switch of the reference shop to the keys of this item's
	// bullets it must turn red (the kill matrix).
	Guards map[string][]string `json:"guards,omitempty"`
	// DependencyMap is the data of SectionDependencyMap.
	DependencyMap *DependencyMap `json:"dependency_map,omitempty"`
}

// Layouts and sections an item may ask for.
const (
	LayoutFacts             = "facts"
	SectionPermissionMatrix = "permission-matrix"
	SectionDependencyMap    = "dependency-map"
)

// DependencyMap says which DoD bullets exercise each foreign key of the schema and
// the chain of links the plan names.
type DependencyMap struct {
	// Links maps a foreign key ("table.column→table.column", lower case) to the ids of
	// the bullets whose specs exercise it. A key not listed is exercised by no spec.
	Links map[string][]string `json:"links"`
	Chain []ChainStep         `json:"chain"`
}

// ChainStep is one link of the chain the plan names (Products → Producers → …).
type ChainStep struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	FK      string   `json:"fk,omitempty"` // the foreign key that holds the link, "" for an app rule
	How     string   `json:"how"`          // Markdown: what holds the link
	Bullets []string `json:"bullets,omitempty"`
}

// HasSection reports whether the item renders the named section.
func (it Item) HasSection(name string) bool { return slices.Contains(it.Sections, name) }

// Label returns the Ginkgo label that marks a spec as belonging to this item.
func (it Item) Label() string { return LabelKey + ":" + it.ID }

// Bullet returns the item's bullet with the given key.
func (it Item) Bullet(key string) (Bullet, bool) {
	for _, b := range it.Bullets {
		if b.Key == key {
			return b, true
		}
	}
	return Bullet{}, false
}

var registry = struct {
	sync.RWMutex
	items []Item
}{}

// Register adds items to the registry. Registering an item again with the same
// declaration does nothing; a different declaration under a known id is an error.
func Register(items ...Item) error {
	registry.Lock()
	defer registry.Unlock()
	for _, it := range items {
		it = it.Normalized()
		if err := it.validate(); err != nil {
			return err
		}
		known := -1
		for i, old := range registry.items {
			if old.ID == it.ID {
				known = i
			}
		}
		if known >= 0 {
			if !reflect.DeepEqual(registry.items[known], it) {
				return fmt.Errorf("dod: item %s is declared twice, differently (suites/%s and suites/%s)", it.ID, registry.items[known].Suite, it.Suite)
			}
			continue
		}
		registry.items = append(registry.items, it)
	}
	return nil
}

// MustRegister is Register for package init: it panics on an error.
func MustRegister(items ...Item) {
	if err := Register(items...); err != nil {
		panic(err)
	}
}

// Normalized returns the item with every bullet's Item set to the item's id (a
// declaration read from JSON leaves it empty).
func (it Item) Normalized() Item {
	bs := make([]Bullet, len(it.Bullets))
	for i, b := range it.Bullets {
		b.Item = it.ID
		bs[i] = b
	}
	it.Bullets = bs
	return it
}

func (it Item) validate() error {
	var errs []string
	if it.ID == "" || strings.ContainsAny(it.ID, " ./&|!,()") {
		errs = append(errs, fmt.Sprintf("id %q must be a non-empty word without spaces, dots or any of &|!,()/", it.ID))
	}
	if it.Title == "" || it.Document == "" || it.Suite == "" {
		errs = append(errs, "title, document and suite are required")
	}
	if len(it.Bullets) == 0 {
		errs = append(errs, "an item needs at least one bullet")
	}
	keys := map[string]bool{}
	for _, b := range it.Bullets {
		if b.Key == "" || strings.ContainsAny(b.Key, " ./&|!,()") || keys[b.Key] {
			errs = append(errs, fmt.Sprintf("bullet key %q is empty, repeated or holds a space, dot or any of &|!,()/", b.Key))
		}
		keys[b.Key] = true
		switch b.Kind {
		case Checked, Derived, Document, Manual:
		default:
			errs = append(errs, fmt.Sprintf("bullet %s has kind %q: use checked, derived, document or manual", b.Key, b.Kind))
		}
	}
	for fault, ks := range it.Guards {
		for _, k := range ks {
			if b, ok := it.Bullet(k); !ok || b.Kind != Checked {
				errs = append(errs, fmt.Sprintf("guard %s names %q, which is not a checked bullet of the item", fault, k))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("dod: item %s: %s", it.ID, strings.Join(errs, "; "))
	}
	return nil
}

// ParseItem reads an item declaration (suites/<suite>/item.json).
func ParseItem(name string, data []byte) (Item, error) {
	var it Item
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		return Item{}, fmt.Errorf("%s is not an item declaration: %w", name, err)
	}
	it = it.Normalized()
	if err := it.validate(); err != nil {
		return Item{}, fmt.Errorf("%s: %w", name, err)
	}
	return it, nil
}

// LoadFS registers every item declaration in fsys matching pattern (e.g.
// "*/item.json"), in path order.
func LoadFS(fsys fs.FS, pattern string) error {
	paths, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		it, err := ParseItem(p, data)
		if err != nil {
			return err
		}
		if err := Register(it); err != nil {
			return err
		}
	}
	return nil
}

// Items returns every registered item, in registry order.
func Items() []Item {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Item, len(registry.items))
	copy(out, registry.items)
	return out
}

// LookupItem returns the item with the given id.
func LookupItem(id string) (Item, bool) {
	for _, it := range Items() {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Lookup returns the bullet with the given id ("ITEM.key").
func Lookup(id string) (Bullet, bool) {
	itemID, key, ok := strings.Cut(id, ".")
	if !ok {
		return Bullet{}, false
	}
	it, ok := LookupItem(itemID)
	if !ok {
		return Bullet{}, false
	}
	return it.Bullet(key)
}

// MustBullet returns the bullet with the given id and panics when there is none; for
// spec trees, where an unknown id is a programming error caught before the run.
func MustBullet(id string) Bullet {
	b, ok := Lookup(id)
	if !ok {
		panic(fmt.Sprintf("dod: no bullet %q in the registry (known: %s)", id, strings.Join(BulletIDs(), ", ")))
	}
	return b
}

// BulletIDs returns every bullet id, sorted.
func BulletIDs() []string {
	var ids []string
	for _, it := range Items() {
		for _, b := range it.Bullets {
			ids = append(ids, b.ID())
		}
	}
	sort.Strings(ids)
	return ids
}

// BulletsOf returns the bullet ids named by a spec's labels: every `dod:ITEM.key` label.
func BulletsOf(labels []string) []string {
	var ids []string
	for _, l := range labels {
		v, ok := strings.CutPrefix(l, LabelKey+":")
		if ok && strings.Contains(v, ".") {
			ids = append(ids, v)
		}
	}
	return ids
}

// CheckLabels returns an error naming every `dod:` label that is not in the registry,
// and every bullet label that lacks its item label.
func CheckLabels(labels []string) error {
	var bad []string
	has := map[string]bool{}
	for _, l := range labels {
		has[l] = true
	}
	for _, l := range labels {
		v, ok := strings.CutPrefix(l, LabelKey+":")
		if !ok {
			continue
		}
		if itemID, _, isBullet := strings.Cut(v, "."); isBullet {
			if b, known := Lookup(v); !known {
				bad = append(bad, fmt.Sprintf("%q is not a declared bullet", l))
			} else if b.Kind != Checked {
				bad = append(bad, fmt.Sprintf("%q is a %s bullet, not one specs check", l, b.Kind))
			} else if !has[LabelKey+":"+itemID] {
				bad = append(bad, fmt.Sprintf("%q lacks its item label %q", l, LabelKey+":"+itemID))
			}
		} else if _, known := LookupItem(v); !known {
			bad = append(bad, fmt.Sprintf("%q is not a declared item", l))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("DoD labels that do not match the item declarations (suites/*/item.json): %s", strings.Join(bad, "; "))
	}
	return nil
}
