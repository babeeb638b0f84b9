// ROME (Debian's librome-java, the Java feed library): prints what it reads of each item of a
// feed file, as JSON (see run.py). Usage: java -cp ROME_CLASSPATH RomeItems.java FORMAT FILE.
// ROME maps RSS and Atom onto one SyndEntry; its SyndContent values carry a type ("text",
// "html", "text/plain", "text/html"...) that says whether the value is HTML.
import com.rometools.rome.feed.synd.SyndCategory;
import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndPerson;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.XmlReader;
import java.io.File;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

public class RomeItems {
    static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object element : list) {
                parts.add(json(element));
            }
            return "[" + String.join(",", parts) + "]";
        }
        if (value instanceof Date date) {
            return json(date.toInstant().toString());
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toString().toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static boolean isHtml(SyndContent content) {
        String type = content.getType();
        return type != null && type.contains("html");
    }

    static void field(List<String> fields, String name, SyndContent content) {
        if (content == null) {
            fields.add(json(name) + ":null");
        } else {
            fields.add(json(isHtml(content) ? name + "_html" : name) + ":" + json(content.getValue()));
        }
    }

    public static void main(String[] args) throws Exception {
        SyndFeed feed = new SyndFeedInput().build(new XmlReader(new File(args[1])));
        List<String> items = new ArrayList<>();
        for (SyndEntry entry : feed.getEntries()) {
            List<String> authors = new ArrayList<>();
            for (SyndPerson person : entry.getAuthors()) {
                authors.add(person.getName());
            }
            // RSS's dc:creator reaches getAuthor() alone when there is one.
            if (authors.isEmpty() && entry.getAuthor() != null && !entry.getAuthor().isEmpty()) {
                authors.add(entry.getAuthor());
            }
            List<String> categories = new ArrayList<>();
            for (SyndCategory category : entry.getCategories()) {
                categories.add(category.getName());
            }
            List<String> fields = new ArrayList<>();
            fields.add("\"id\":" + json(entry.getUri()));
            field(fields, "title", entry.getTitleEx());
            fields.add("\"link\":" + json(entry.getLink()));
            fields.add("\"published\":" + json(entry.getPublishedDate()));
            fields.add("\"updated\":" + json(entry.getUpdatedDate()));
            fields.add("\"authors\":" + json(authors));
            fields.add("\"categories\":" + json(categories));
            field(fields, "summary", entry.getDescription());
            field(fields, "content", entry.getContents().isEmpty() ? null : entry.getContents().get(0));
            items.add("{" + String.join(",", fields) + "}");
        }
        System.out.println("{\"items\":[" + String.join(",", items) + "]}");
    }
}
