package dev.switchboard.providers.internal.sse;

import java.util.Objects;

/**
 * One dispatched server-sent event.
 *
 * @param event the event type; {@code "message"} when the stream named none, never null
 * @param data the data lines joined by {@code "\n"}; never null (may be empty for a bare {@code data:})
 * @param id the last event id in effect when the event was dispatched (ids persist across events,
 *     as in EventSource), or null when none was set or it was reset by an empty {@code id:}
 * @param retry the reconnection time in milliseconds last set by a {@code retry:} field of the
 *     stream, or null when none was
 */
public record SseEvent(String event, String data, String id, Long retry) {

  /** The event type used when a stream names none. */
  public static final String DEFAULT_EVENT = "message";

  public SseEvent {
    event = event == null || event.isEmpty() ? DEFAULT_EVENT : event;
    Objects.requireNonNull(data, "data");
  }

  /** A {@code message} event with {@code data} and no id or retry. */
  public static SseEvent of(String data) {
    return new SseEvent(DEFAULT_EVENT, data, null, null);
  }

  /** An event of type {@code event} with {@code data} and no id or retry. */
  public static SseEvent of(String event, String data) {
    return new SseEvent(event, data, null, null);
  }
}
