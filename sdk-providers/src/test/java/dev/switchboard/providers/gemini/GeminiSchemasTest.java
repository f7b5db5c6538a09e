package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON Schema → Gemini's OpenAPI-subset Schema (https://ai.google.dev/api/caching#Schema). */
class GeminiSchemasTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) {
    return (Map<String, Object>) PlainJson.parse(text, Problems.REQUEST);
  }

  private static Map<String, Object> convert(String schema) {
    return GeminiSchemas.toOpenApi(json(schema));
  }

  @Test
  void toOpenApi_typesAndKeptKeywords_upperCasedAndCopied() {
    assertThat(convert("""
        {"type": "object", "title": "T", "description": "D",
         "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9, "format": "int32", "default": 3},
                        "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}, "minItems": 1}},
         "required": ["n"], "propertyOrdering": ["n", "tags"]}
        """)).isEqualTo(json("""
        {"type": "OBJECT", "title": "T", "description": "D",
         "properties": {"n": {"type": "INTEGER", "minimum": 1, "maximum": 9, "format": "int32", "default": 3},
                        "tags": {"type": "ARRAY", "items": {"type": "STRING", "maxLength": 5}, "minItems": 1}},
         "required": ["n"], "propertyOrdering": ["n", "tags"]}
        """));
  }

  @Test
  void toOpenApi_rejectedKeywords_areDropped() {
    assertThat(convert("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "$comment": "c",
         "type": "object", "additionalProperties": false, "strict": true,
         "properties": {"p": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 2},
                        "l": {"type": "array", "uniqueItems": true, "items": {"type": "string", "format": "uri"}}}}
        """)).isEqualTo(json("""
        {"type": "OBJECT", "properties": {"p": {"type": "NUMBER"}, "l": {"type": "ARRAY", "items": {"type": "STRING"}}}}
        """));
  }

  @Test
  void toOpenApi_nullableForms_becomeNullable() {
    assertThat(convert("""
        {"type": "object", "properties": {
          "a": {"type": ["string", "null"]},
          "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
          "c": {"enum": ["x", null]},
          "d": {"type": ["string", "integer"]}}}
        """)).isEqualTo(json("""
        {"type": "OBJECT", "properties": {
          "a": {"type": "STRING", "nullable": true},
          "b": {"nullable": true, "type": "INTEGER"},
          "c": {"nullable": true, "enum": ["x"], "type": "STRING"},
          "d": {"anyOf": [{"type": "STRING"}, {"type": "INTEGER"}]}}}
        """));
  }

  @Test
  void toOpenApi_constOneOfExamplesAndNonStringEnums_converted() {
    assertThat(convert("""
        {"type": "object", "properties": {
          "k": {"const": "fixed"},
          "o": {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
          "e": {"type": "string", "examples": ["first", "second"]},
          "i": {"type": "integer", "enum": [1, 2]}}}
        """)).isEqualTo(json("""
        {"type": "OBJECT", "properties": {
          "k": {"enum": ["fixed"], "type": "STRING"},
          "o": {"anyOf": [{"type": "STRING"}, {"type": "BOOLEAN"}]},
          "e": {"type": "STRING", "example": "first"},
          "i": {"type": "INTEGER", "enum": ["1", "2"]}}}
        """));
  }

  @Test
  void toOpenApi_localRefsAndAllOf_inlined() {
    assertThat(convert("""
        {"type": "object",
         "$defs": {"Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
         "properties": {
           "home": {"$ref": "#/$defs/Address"},
           "work": {"allOf": [{"$ref": "#/$defs/Address"}, {"properties": {"floor": {"type": "integer"}}}],
                    "description": "Office"}}}
        """)).isEqualTo(json("""
        {"type": "OBJECT", "properties": {
          "home": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]},
          "work": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}, "floor": {"type": "INTEGER"}},
                   "required": ["city"], "description": "Office"}}}
        """));
  }

  @Test
  void toOpenApi_recursiveRef_refusedNamingWhere() {
    assertThatThrownBy(() -> convert("""
        {"type": "object", "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}},
         "properties": {"head": {"$ref": "#/$defs/Node"}}}
        """))
        .isInstanceOf(GeminiSchemas.UnsupportedSchemaException.class)
        .hasMessageContaining("recursive")
        .satisfies(e -> assertThat(((GeminiSchemas.UnsupportedSchemaException) e).path)
            .isEqualTo("properties.head.properties.next.$ref"));
  }

  @Test
  void toOpenApi_propertyNamedLikeAKeyword_isKept() {
    assertThat(convert("""
        {"type": "object", "properties": {"additionalProperties": {"type": "string"}, "$ref": {"type": "integer"}}}
        """)).isEqualTo(json("""
        {"type": "OBJECT", "properties": {"additionalProperties": {"type": "STRING"}, "$ref": {"type": "INTEGER"}}}
        """));
  }
}
