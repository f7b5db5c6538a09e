package dev.switchboard.core.model;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Deeply unmodifiable JSON containers made by {@link JsonValues}. Their own classes let
 * {@link JsonValues} recognise values it already copied and skip copying them again (values pass
 * through {@code toBuilder().build()} on the hot path).
 */
final class FrozenJson {

  private FrozenJson() {}

  /** An insertion-ordered map that allows null values; nobody else holds a reference to its delegate. */
  static final class FrozenMap extends AbstractMap<String, Object> {
    static final FrozenMap EMPTY = new FrozenMap(new LinkedHashMap<>());

    private final Map<String, Object> delegate;

    FrozenMap(LinkedHashMap<String, Object> owned) {
      this.delegate = Collections.unmodifiableMap(owned);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return delegate.entrySet();
    }

    @Override
    public Object get(Object key) {
      return delegate.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return delegate.containsKey(key);
    }

    @Override
    public int size() {
      return delegate.size();
    }
  }

  /** A list that allows null elements; nobody else holds a reference to its delegate. */
  static final class FrozenList extends AbstractList<Object> implements RandomAccess {
    private final Object[] elements;

    FrozenList(ArrayList<Object> owned) {
      this.elements = owned.toArray();
    }

    @Override
    public Object get(int index) {
      return elements[index];
    }

    @Override
    public int size() {
      return elements.length;
    }

    static List<Object> empty() {
      return new FrozenList(new ArrayList<>());
    }
  }
}
