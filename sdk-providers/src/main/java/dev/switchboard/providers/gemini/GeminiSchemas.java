package dev.switchboard.providers.gemini;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts a JSON Schema (what OpenAI callers send as tool parameters and {@code json_schema}
 * response formats) to the OpenAPI 3.0 subset that Gemini's {@code Schema} object accepts.
 *
 * <p>Gemini's {@code Schema} (API reference, {@code v1beta} {@code Schema}) knows {@code type},
 * {@code format}, {@code title}, {@code description}, {@code nullable}, {@code enum},
 * {@code maxItems}, {@code minItems}, {@code properties}, {@code required}, {@code minProperties},
 * {@code maxProperties}, {@code minLength}, {@code maxLength}, {@code pattern}, {@code example},
 * {@code anyOf}, {@code propertyOrdering}, {@code default}, {@code items}, {@code minimum} and
 * {@code maximum}, and rejects a request with any other key. So:
 * <ul>
 *   <li>{@code type} is upper-cased ({@code "string"} → {@code "STRING"}); a type list with
 *       {@code "null"} becomes that type with {@code nullable: true}; several non-null types become
 *       an {@code anyOf} of one schema per type;
 *   <li>{@code anyOf}/{@code oneOf} members of type {@code null} become {@code nullable: true};
 *       {@code oneOf} becomes {@code anyOf} (Gemini has no exclusive form);
 *   <li>{@code const} becomes a one-value {@code enum}; {@code enum} values are written as strings,
 *       as Gemini's reference requires (e.g. {@code {type:INTEGER, format:enum, enum:["101"]}});
 *   <li>{@code examples} becomes {@code example} (its first element);
 *   <li>local {@code $ref}s ({@code #/$defs/…}, {@code #/definitions/…}) are inlined; a recursive
 *       reference cannot be inlined and is refused;
 *   <li>{@code allOf} members are merged into the schema (properties and required lists joined);
 *   <li>{@code format} is kept only where Gemini documents it: {@code enum} and {@code date-time}
 *       for strings, {@code int32}/{@code int64} for integers, {@code float}/{@code double} for
 *       numbers;
 *   <li>every other keyword is dropped, notably {@code $schema}, {@code $id}, {@code $defs},
 *       {@code definitions}, {@code additionalProperties}, {@code patternProperties},
 *       {@code unevaluatedProperties}, {@code exclusiveMinimum}, {@code exclusiveMaximum},
 *       {@code multipleOf}, {@code uniqueItems}, {@code prefixItems}, {@code contains},
 *       {@code not}, {@code if}/{@code then}/{@code else}, {@code dependentRequired},
 *       {@code dependentSchemas}, {@code readOnly}, {@code writeOnly}, {@code deprecated},
 *       {@code contentEncoding}, {@code contentMediaType}, {@code $comment} and {@code strict}.
 *       These only validate or annotate; the model still sees the structure and descriptions.
 * </ul>
 * Property names under {@code properties} are the caller's and are never touched.
 *
 * <p>Stateless and thread-safe.
 */
final class GeminiSchemas {

  /** Keys copied as they are (their values are plain values, not schemas). */
  private static final Set<String> PLAIN_KEYS = Set.of("title", "description", "nullable", "maxItems", "minItems",
      "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example",
      "propertyOrdering", "default", "minimum", "maximum");
  private static final Set<String> STRING_FORMATS = Set.of("enum", "date-time");
  private static final Set<String> INTEGER_FORMATS = Set.of("int32", "int64");
  private static final Set<String> NUMBER_FORMATS = Set.of("float", "double");
  private static final int MAX_DEPTH = 64;

  private GeminiSchemas() {}

  /** Thrown for a schema that cannot be expressed; {@code path} says where, e.g. {@code properties.a.$ref}. */
  static final class UnsupportedSchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String path;

    UnsupportedSchemaException(String message, String path) {
      super(message, null, false, false);
      this.path = path;
    }
  }

  /**
   * The OpenAPI-subset form of {@code schema}.
   *
   * @throws UnsupportedSchemaException for a recursive or unresolvable {@code $ref}
   */
  static Map<String, Object> toOpenApi(Map<String, Object> schema) {
    Map<String, Object> defs = new LinkedHashMap<>();
    collectDefs(schema, "$defs", defs);
    collectDefs(schema, "definitions", defs);
    return convert(schema, defs, new LinkedHashSet<>(), "", 0);
  }

  private static void collectDefs(Map<String, Object> root, String key, Map<String, Object> into) {
    if (root.get(key) instanceof Map) {
      ((Map<?, ?>) root.get(key)).forEach((name, value) -> into.put("#/" + key + "/" + name, value));
    }
  }

  private static Map<String, Object> convert(Map<?, ?> schema, Map<String, Object> defs, Set<String> resolving,
      String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new UnsupportedSchemaException("the schema is nested more than " + MAX_DEPTH + " levels deep", path);
    }
    Map<String, Object> node = new LinkedHashMap<>();
    Object ref = schema.get("$ref");
    if (ref instanceof String) {
      String target = (String) ref;
      Object resolved = defs.get(target);
      if (!(resolved instanceof Map)) {
        throw new UnsupportedSchemaException("$ref '" + target + "' does not point into the schema's $defs or "
            + "definitions", join(path, "$ref"));
      }
      if (!resolving.add(target)) {
        throw new UnsupportedSchemaException("$ref '" + target + "' is recursive, which Gemini's schema cannot "
            + "express", join(path, "$ref"));
      }
      node.putAll(convert((Map<?, ?>) resolved, defs, resolving, path, depth + 1));
      resolving.remove(target);
    }
    if (schema.get("allOf") instanceof List) {
      int i = 0;
      for (Object member : (List<?>) schema.get("allOf")) {
        if (member instanceof Map) {
          merge(node, convert((Map<?, ?>) member, defs, resolving, join(path, "allOf[" + i + "]"), depth + 1));
        }
        i++;
      }
    }
    for (Map.Entry<?, ?> e : schema.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      switch (key) {
        case "type":
          applyType(node, value);
          break;
        case "properties":
          if (value instanceof Map) {
            Map<String, Object> properties = new LinkedHashMap<>();
            Object existing = node.get("properties");
            if (existing instanceof Map) {
              ((Map<?, ?>) existing).forEach((k, v) -> properties.put(String.valueOf(k), v));
            }
            for (Map.Entry<?, ?> p : ((Map<?, ?>) value).entrySet()) {
              if (p.getValue() instanceof Map) {
                String name = String.valueOf(p.getKey());
                properties.put(name, convert((Map<?, ?>) p.getValue(), defs, resolving,
                    join(path, "properties." + name), depth + 1));
              }
            }
            node.put("properties", properties);
          }
          break;
        case "items":
          if (value instanceof Map) {
            node.put("items", convert((Map<?, ?>) value, defs, resolving, join(path, "items"), depth + 1));
          }
          break;
        case "anyOf":
        case "oneOf":
          if (value instanceof List) {
            List<Object> members = new ArrayList<>();
            int i = 0;
            for (Object member : (List<?>) value) {
              if (member instanceof Map) {
                if ("null".equals(((Map<?, ?>) member).get("type")) && ((Map<?, ?>) member).size() == 1) {
                  node.put("nullable", Boolean.TRUE);
                } else {
                  members.add(convert((Map<?, ?>) member, defs, resolving, join(path, key + "[" + i + "]"),
                      depth + 1));
                }
              }
              i++;
            }
            if (members.size() == 1 && node.get("anyOf") == null) {
              merge(node, castMap(members.get(0)));
            } else if (!members.isEmpty()) {
              node.put("anyOf", members);
            }
          }
          break;
        case "enum":
          if (value instanceof List) {
            List<Object> values = new ArrayList<>();
            for (Object v : (List<?>) value) {
              if (v == null) {
                node.put("nullable", Boolean.TRUE);
              } else {
                values.add(v instanceof String ? v : String.valueOf(v));
              }
            }
            node.put("enum", values);
          }
          break;
        case "const":
          if (value == null) {
            node.put("nullable", Boolean.TRUE);
          } else {
            node.put("enum", List.of(value instanceof String ? value : String.valueOf(value)));
          }
          break;
        case "examples":
          if (value instanceof List && !((List<?>) value).isEmpty() && !schema.containsKey("example")) {
            node.put("example", ((List<?>) value).get(0));
          }
          break;
        case "format":
          if (value instanceof String) {
            node.put("format", value); // checked against the type below
          }
          break;
        default:
          if (PLAIN_KEYS.contains(key)) {
            if (key.equals("required") && node.get("required") instanceof List && value instanceof List) {
              Set<Object> union = new LinkedHashSet<>((List<?>) node.get("required"));
              union.addAll((List<?>) value);
              node.put("required", new ArrayList<>(union));
            } else {
              node.put(key, value);
            }
          }
          // anything else is a JSON Schema keyword Gemini rejects: dropped (see the class comment)
      }
    }
    if (!node.containsKey("type") && !node.containsKey("anyOf")) {
      if (node.containsKey("properties")) {
        node.put("type", "OBJECT");
      } else if (node.containsKey("items")) {
        node.put("type", "ARRAY");
      } else if (node.containsKey("enum")) {
        node.put("type", "STRING");
      }
    }
    keepDocumentedFormat(node);
    return node;
  }

  private static void applyType(Map<String, Object> node, Object value) {
    if (value instanceof String) {
      if ("null".equals(value)) {
        node.put("nullable", Boolean.TRUE);
      } else {
        node.put("type", ((String) value).toUpperCase(Locale.ROOT));
      }
      return;
    }
    if (!(value instanceof List)) {
      return;
    }
    List<String> types = new ArrayList<>();
    for (Object t : (List<?>) value) {
      if ("null".equals(t)) {
        node.put("nullable", Boolean.TRUE);
      } else if (t instanceof String) {
        types.add(((String) t).toUpperCase(Locale.ROOT));
      }
    }
    if (types.size() == 1) {
      node.put("type", types.get(0));
    } else if (types.size() > 1) {
      List<Object> anyOf = new ArrayList<>();
      for (String t : types) {
        anyOf.add(new LinkedHashMap<>(Map.of("type", t)));
      }
      node.put("anyOf", anyOf);
    }
  }

  private static void keepDocumentedFormat(Map<String, Object> node) {
    Object format = node.get("format");
    if (format == null) {
      return;
    }
    Object type = node.get("type");
    boolean documented = "STRING".equals(type) && STRING_FORMATS.contains(format)
        || "INTEGER".equals(type) && (INTEGER_FORMATS.contains(format) || "enum".equals(format))
        || "NUMBER".equals(type) && (NUMBER_FORMATS.contains(format) || "enum".equals(format));
    if (!documented) {
      node.remove("format");
    }
  }

  private static void merge(Map<String, Object> into, Map<String, Object> from) {
    for (Map.Entry<String, Object> e : from.entrySet()) {
      Object existing = into.get(e.getKey());
      if (e.getKey().equals("properties") && existing instanceof Map && e.getValue() instanceof Map) {
        Map<String, Object> joined = new LinkedHashMap<>(castMap(existing));
        joined.putAll(castMap(e.getValue()));
        into.put("properties", joined);
      } else if (e.getKey().equals("required") && existing instanceof List && e.getValue() instanceof List) {
        Set<Object> union = new LinkedHashSet<>((List<?>) existing);
        union.addAll((List<?>) e.getValue());
        into.put("required", new ArrayList<>(union));
      } else {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }

  private static String join(String path, String segment) {
    return path.isEmpty() ? segment : path + "." + segment;
  }
}
