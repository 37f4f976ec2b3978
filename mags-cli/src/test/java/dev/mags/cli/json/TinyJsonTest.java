package dev.mags.cli.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TinyJsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object value = TinyJson.parse(" {\"s\": \"a\\\"b\\\\c\\n\\u00e9\\/\", \"n\": -12, \"big\": 12345678901234567890,"
                + " \"f\": 1.5e2, \"t\": true, \"no\": false, \"z\": null, \"list\": [1, [], {}], \"o\": {\"k\": \"v\"}} ");

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "a\"b\\c\né/");
        expected.put("n", -12L);
        expected.put("big", 1.2345678901234567e19);
        expected.put("f", 150.0);
        expected.put("t", true);
        expected.put("no", false);
        expected.put("z", null);
        expected.put("list", List.of(1L, List.of(), Map.of()));
        expected.put("o", Map.of("k", "v"));
        assertThat(value).isEqualTo(expected);
    }

    @Test
    void writesWhatItParsesBack() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("script", "echo \"hi\"\tthere\n\u0001 é");
        doc.put("count", 3L);
        doc.put("ratio", 0.25);
        doc.put("flags", List.of(true, false));
        doc.put("none", null);
        doc.put("nested", Map.of("a", List.of()));

        assertThat(TinyJson.parse(TinyJson.write(doc))).isEqualTo(doc);
        assertThat(TinyJson.parse(TinyJson.writePretty(doc))).isEqualTo(doc);
        assertThat(TinyJson.write(Map.of("k", "\u0001"))).isEqualTo("{\"k\":\"\\u0001\"}");
    }

    @Test
    void prettyOutputIsIndentedByTwoSpaces() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("api_url", "http://x");
        doc.put("list", List.of(1L));

        assertThat(TinyJson.writePretty(doc)).isEqualTo("{\n  \"api_url\": \"http://x\",\n  \"list\": [\n    1\n  ]\n}\n");
        assertThat(TinyJson.writePretty(Map.of())).isEqualTo("{}\n");
    }

    @Test
    void malformedTextIsRefusedWithWhereItWentWrong() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "{\"a\":1} x", "\"open", "tru", "{'a':1}", "\"\\x\"",
                "\"a\nb\"", "-", "1.2.3")) {
            assertThatThrownBy(() -> TinyJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> TinyJson.parseObject("[1]")).hasMessage("expected a JSON object");
        assertThatThrownBy(() -> TinyJson.parse("{\"a\": @}")).hasMessageContaining("offset 6");
    }

    @Test
    void refusesValuesJsonCannotHold() {
        assertThatThrownBy(() -> TinyJson.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TinyJson.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }
}
