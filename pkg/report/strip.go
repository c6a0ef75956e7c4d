package report

import (
	"fmt"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// files writes a spec's files in recorded order: a run of two or more consecutive
// images (screenshots of the steps of a flow) as a strip, every other file on its own.
func (v *view) files(recs []evidence.Record) {
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && isImage(recs[j].File) {
			j++
		}
		if j-i >= 2 {
			v.strip(recs[i:j])
			i = j
			continue
		}
		v.file(recs[i].Title, recs[i].File)
		i++
	}
}

func isImage(f *evidence.File) bool { return f != nil && strings.HasPrefix(f.MediaType, "image/") }

// strip writes screenshots side by side: a Markdown table (no HTML) with one column per
// step, headed by the step's number and name, each image linking to the full-size file,
// and a row with each file's size and digest. A Markdown viewer fits the images to the
// columns, so they show small and in order.
func (v *view) strip(recs []evidence.Record) {
	v.d.para(fmt.Sprintf("**Screenshots** — %s in order; click one for the full page", plural(len(recs), "step", "steps")))
	var head, images, meta []string
	for i, rec := range recs {
		name := rec.Title
		if name == "" {
			name = rec.File.Path
		}
		link := relLink(v.it.Item.Document, rec.File.Path)
		head = append(head, fmt.Sprintf("%d · %s", i+1, cell(name)))
		images = append(images, fmt.Sprintf("[![%s](%s)](%s)", altText(name), link, link))
		meta = append(meta, fmt.Sprintf("%s · %s", size(rec.File.Bytes), codeCell(shortHash(rec.File.SHA256))))
	}
	v.d.table(head, [][]string{images, meta})
}

// altText makes a name safe as an image's alt text inside a table cell.
func altText(s string) string {
	return strings.NewReplacer("|", `\|`, "[", `\[`, "]", `\]`).Replace(esc(s))
}
