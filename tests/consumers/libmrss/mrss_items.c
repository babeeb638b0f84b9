/* libmrss (Debian's libmrss0-dev, a C library for RSS and Atom): prints what it reads of each
 * item of a feed file, as JSON (see run.py). Usage: mrss_items FORMAT FILE.
 * libmrss gives an item's title, link, description (Atom: the summary), author, pubDate (a
 * string: RSS's as written, Atom's turned into RFC 822 by libmrss), guid and categories;
 * anything else, such as content:encoded, dc:creator or Atom's content, is in `other_tags`
 * with its namespace. */
#include <mrss.h>
#include <stdio.h>
#include <string.h>

static void json_string(const char *value) {
  if (!value) {
    fputs("null", stdout);
    return;
  }
  putchar('"');
  for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
    if (*c == '"' || *c == '\\')
      printf("\\%c", *c);
    else if (*c < 0x20)
      printf("\\u%04x", *c);
    else
      putchar(*c);
  }
  putchar('"');
}

static void field(const char *name, const char *value) {
  printf(",\"%s\":", name);
  json_string(value);
}

/* The value of a child tag of the item, by namespace and name. */
static const char *other(mrss_item_t *item, const char *ns, const char *name) {
  for (mrss_tag_t *tag = item->other_tags; tag; tag = tag->next)
    if (tag->ns && !strcmp(tag->ns, ns) && !strcmp(tag->name, name))
      return tag->value;
  return NULL;
}

int main(int argc, char **argv) {
  mrss_t *feed = NULL;
  if (argc != 3 || mrss_parse_file(argv[2], &feed) != MRSS_OK) {
    fprintf(stderr, "mrss_items: cannot parse %s\n", argc == 3 ? argv[2] : "(no file)");
    return 1;
  }
  int rss = strcmp(argv[1], "rss") == 0;
  fputs("{\"items\":[", stdout);
  for (mrss_item_t *item = feed->item; item; item = item->next) {
    printf("%s{\"id\":", item == feed->item ? "" : ",");
    json_string(item->guid);
    int html_title = item->title_type && strstr(item->title_type, "html");
    field(html_title ? "title_html" : "title", item->title);
    field("link", item->link);
    field("published", item->pubDate);
    if (rss) {
      /* libmrss reads RSS's own <author>; Dublin Core's creator is one of the other tags. */
      const char *creator = item->author ? item->author : other(item, "http://purl.org/dc/elements/1.1/", "creator");
      fputs(",\"authors\":[", stdout);
      if (creator)
        json_string(creator);
      fputs("]", stdout);
      field("summary_html", item->description);
      field("content_html", other(item, "http://purl.org/rss/1.0/modules/content/", "encoded"));
    } else {
      /* One author; the summary is the description, the content one of the other tags. */
      fputs(",\"authors\":[", stdout);
      if (item->author)
        json_string(item->author);
      fputs("]", stdout);
      int html = item->description_type && strstr(item->description_type, "html");
      field(html ? "summary_html" : "summary", item->description);
      field("content_html", other(item, "http://www.w3.org/2005/Atom", "content"));
    }
    fputs(",\"categories\":[", stdout);
    for (mrss_category_t *category = item->category; category; category = category->next) {
      if (category != item->category)
        putchar(',');
      json_string(category->category);
    }
    fputs("]}", stdout);
  }
  puts("]}");
  mrss_free(feed);
  return 0;
}
