package dev.switchboard.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * One part of a {@link Message}'s content: text, an image by URL (or data URL), or a part of a type
 * this model does not represent (audio, files, provider-specific parts), kept verbatim.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class ContentPart {

  /** The type of text parts. */
  public static final String TYPE_TEXT = "text";
  /** The type of image parts. */
  public static final String TYPE_IMAGE_URL = "image_url";

  private final String type;
  private final String text;
  private final String imageUrl;
  private final String imageDetail;
  private final Map<String, Object> raw;
  private final Map<String, Object> extra;

  private ContentPart(String type, String text, String imageUrl, String imageDetail, Map<String, Object> raw,
      Map<String, Object> extra) {
    this.type = type;
    this.text = text;
    this.imageUrl = imageUrl;
    this.imageDetail = imageDetail;
    this.raw = raw;
    this.extra = extra;
  }

  /**
   * A text part.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public static ContentPart text(String text) {
    return new ContentPart(TYPE_TEXT, Objects.requireNonNull(text, "text"), null, null, null,
        JsonValues.emptyObject());
  }

  /**
   * An image part with the provider's default detail.
   *
   * @param url an {@code https:} URL or a {@code data:image/...;base64,...} URL
   * @throws NullPointerException if {@code url} is null
   */
  public static ContentPart imageUrl(String url) {
    return imageUrl(url, null);
  }

  /**
   * An image part.
   *
   * @param url an {@code https:} URL or a {@code data:image/...;base64,...} URL
   * @param detail {@code "low"}, {@code "high"} or {@code "auto"}; null for the provider's default
   * @throws NullPointerException if {@code url} is null
   */
  public static ContentPart imageUrl(String url, String detail) {
    return new ContentPart(TYPE_IMAGE_URL, null, Objects.requireNonNull(url, "url"), detail, null,
        JsonValues.emptyObject());
  }

  /**
   * A part of a type this model does not represent (e.g. {@code input_audio}, {@code file}), kept as
   * the JSON object it was and sent on verbatim. Its type is taken from its {@code "type"} field. The
   * part is always raw, even when its type is {@code text} or {@code image_url}.
   *
   * @param part the whole JSON object of the part; copied deeply (see {@link JsonValues})
   * @throws NullPointerException if {@code part} is null
   * @throws IllegalArgumentException if {@code part} has no string {@code "type"} field or holds a
   *     value that is not JSON
   */
  public static ContentPart raw(Map<String, ?> part) {
    Map<String, Object> copy = JsonValues.copyOf(part);
    Object type = copy.get("type");
    if (!(type instanceof String)) {
      throw new IllegalArgumentException("raw content part must have a string \"type\" field but had " + type);
    }
    return new ContentPart((String) type, null, null, null, copy, JsonValues.emptyObject());
  }

  /**
   * Returns this text or image part with extra fields sent next to its known ones (e.g. a
   * provider's {@code cache_control}); keys {@code type}, {@code text} and {@code image_url} are
   * ignored when written.
   *
   * @throws NullPointerException if {@code extra} is null
   * @throws IllegalArgumentException if this part is raw (a raw part keeps every field in
   *     {@link #raw()}), or {@code extra} holds a value that is not JSON
   */
  public ContentPart withExtra(Map<String, ?> extra) {
    if (raw != null) {
      throw new IllegalArgumentException("a raw content part keeps all its fields in raw(); it takes no extra");
    }
    return new ContentPart(type, text, imageUrl, imageDetail, null, JsonValues.copyOf(extra));
  }

  /** The part's type, e.g. {@code "text"}, {@code "image_url"}, {@code "input_audio"}; never null. */
  public String type() {
    return type;
  }

  /** Whether this is a text part (not a raw part). */
  public boolean isText() {
    return raw == null && TYPE_TEXT.equals(type);
  }

  /** Whether this is an image part (not a raw part). */
  public boolean isImage() {
    return raw == null && TYPE_IMAGE_URL.equals(type);
  }

  /** Whether this part is of a type kept verbatim in {@link #raw()}. */
  public boolean isRaw() {
    return raw != null;
  }

  /** The text of a text part; null for other parts. */
  public String text() {
    return text;
  }

  /** The URL of an image part; null for other parts. */
  public String imageUrl() {
    return imageUrl;
  }

  /** The detail of an image part ({@code "low"}, {@code "high"}, {@code "auto"}), or null when unset. */
  public String imageDetail() {
    return imageDetail;
  }

  /** The whole JSON object of a raw part (unmodifiable); null for text and image parts. */
  public Map<String, Object> raw() {
    return raw;
  }

  /** Unknown fields of a text or image part (unmodifiable); never null, empty for raw parts. */
  public Map<String, Object> extra() {
    return extra;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ContentPart)) {
      return false;
    }
    ContentPart that = (ContentPart) o;
    return type.equals(that.type) && Objects.equals(text, that.text) && Objects.equals(imageUrl, that.imageUrl)
        && Objects.equals(imageDetail, that.imageDetail) && Objects.equals(raw, that.raw) && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, text, imageUrl, imageDetail, raw, extra);
  }

  @Override
  public String toString() {
    return new Describe("ContentPart").add("type", type).text("text", text).text("imageUrl", imageUrl)
        .add("imageDetail", imageDetail).add("raw", raw).add("extra", extra).toString();
  }
}
