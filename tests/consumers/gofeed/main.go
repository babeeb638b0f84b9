// gofeed (Debian's golang-github-mmcdole-gofeed-dev, built in GOPATH mode against Debian's Go
// sources): prints what its universal parser reads of each item of a feed file, as JSON (see
// run.py). Usage: gofeed_items FORMAT FILE. gofeed maps RSS, Atom and JSON Feed onto one Item;
// Title is text, Description and Content are HTML.
package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/mmcdole/gofeed"
)

func iso(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func main() {
	file, err := os.Open(os.Args[2])
	if err != nil {
		panic(err)
	}
	feed, err := gofeed.NewParser().Parse(file)
	if err != nil {
		panic(err)
	}
	items := []map[string]interface{}{}
	for _, item := range feed.Items {
		authors := []string{}
		for _, person := range item.Authors {
			authors = append(authors, person.Name)
		}
		items = append(items, map[string]interface{}{
			"id":           item.GUID,
			"title":        item.Title,
			"link":         item.Link,
			"published":    iso(item.PublishedParsed),
			"updated":      iso(item.UpdatedParsed),
			"authors":      authors,
			"categories":   item.Categories,
			"summary_html": item.Description,
			"content_html": item.Content,
		})
	}
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	out.Encode(map[string]interface{}{"items": items})
}
