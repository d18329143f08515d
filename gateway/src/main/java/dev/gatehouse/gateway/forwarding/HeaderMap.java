package dev.gatehouse.gateway.forwarding;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Header names to their values, in insertion order, a name found whatever its (ASCII)
 * casing: the map under {@link ForwardedHeaders}. It behaves as Spring's
 * {@code LinkedCaseInsensitiveMap} does for header names (a put in another casing takes
 * that casing and moves the entry to the end; {@code computeIfAbsent} keeps the casing
 * held), without that map's lower-cased copy of every name and its second hash map: a
 * name's case-insensitive hash is computed in place and compared first, in an array that
 * holds the dozen or two headers of a request.
 */
final class HeaderMap extends AbstractMap<String, List<String>> implements Serializable {

	private static final long serialVersionUID = 1L;

	private String[] names;

	private int[] hashes;

	private List<String>[] values;

	private int size;

	/** Structural changes, for iterators. */
	private int modifications;

	private transient Set<Map.Entry<String, List<String>>> entries;

	private transient Set<String> keys;

	@SuppressWarnings("unchecked")
	HeaderMap(int capacity) {
		this.names = new String[capacity];
		this.hashes = new int[capacity];
		this.values = new List[capacity];
	}

	/**
	 * The hash of the name lower-cased (ASCII letters; header names are ASCII tokens),
	 * without lower-casing it.
	 */
	static int hash(String name) {
		int hash = 0;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			hash = 31 * hash + ((c >= 'A' && c <= 'Z') ? (c + ('a' - 'A')) : c);
		}
		return hash;
	}

	private int indexOf(Object key) {
		if (!(key instanceof String name)) {
			return -1;
		}
		return indexOf(name, hash(name));
	}

	private int indexOf(String name, int hash) {
		for (int i = 0; i < this.size; i++) {
			// the same casing is the usual match: equals is much cheaper than folding
			// case
			if (this.hashes[i] == hash && (this.names[i].equals(name) || this.names[i].equalsIgnoreCase(name))) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public int size() {
		return this.size;
	}

	@Override
	public boolean isEmpty() {
		return this.size == 0;
	}

	@Override
	public boolean containsKey(Object key) {
		return indexOf(key) >= 0;
	}

	@Override
	public List<String> get(Object key) {
		int index = indexOf(key);
		return (index >= 0) ? this.values[index] : null;
	}

	@Override
	public List<String> getOrDefault(Object key, List<String> defaultValue) {
		int index = indexOf(key);
		return (index >= 0) ? this.values[index] : defaultValue;
	}

	@Override
	public List<String> put(String key, List<String> value) {
		int hash = hash(key);
		int index = indexOf(key, hash);
		if (index < 0) {
			append(key, hash, value);
			return null;
		}
		List<String> previous = this.values[index];
		if (this.names[index].equals(key)) {
			this.values[index] = value;
		}
		else {
			// another casing: that casing, at the end
			removeAt(index);
			append(key, hash, value);
		}
		return previous;
	}

	@Override
	public List<String> computeIfAbsent(String key, Function<? super String, ? extends List<String>> mapping) {
		int hash = hash(key);
		int index = indexOf(key, hash);
		if (index >= 0 && this.values[index] != null) {
			return this.values[index];
		}
		List<String> value = mapping.apply(key);
		if (value != null) {
			if (index >= 0) {
				// the casing held is kept
				this.values[index] = value;
			}
			else {
				append(key, hash, value);
			}
		}
		return value;
	}

	@Override
	public List<String> remove(Object key) {
		int index = indexOf(key);
		if (index < 0) {
			return null;
		}
		List<String> previous = this.values[index];
		removeAt(index);
		return previous;
	}

	@Override
	public void clear() {
		Arrays.fill(this.names, 0, this.size, null);
		Arrays.fill(this.values, 0, this.size, null);
		this.size = 0;
		this.modifications++;
	}

	@Override
	public void forEach(BiConsumer<? super String, ? super List<String>> action) {
		int expected = this.modifications;
		for (int i = 0; i < this.size; i++) {
			action.accept(this.names[i], this.values[i]);
			if (this.modifications != expected) {
				throw new ConcurrentModificationException();
			}
		}
	}

	@Override
	public Set<Map.Entry<String, List<String>>> entrySet() {
		Set<Map.Entry<String, List<String>>> set = this.entries;
		if (set == null) {
			set = new EntrySet();
			this.entries = set;
		}
		return set;
	}

	/** The names, looked up and removed ignoring case, as the map's keys are. */
	@Override
	public Set<String> keySet() {
		Set<String> set = this.keys;
		if (set == null) {
			set = new KeySet();
			this.keys = set;
		}
		return set;
	}

	private void append(String name, int hash, List<String> value) {
		if (this.size == this.names.length) {
			int capacity = Math.max(8, this.size * 2);
			this.names = Arrays.copyOf(this.names, capacity);
			this.hashes = Arrays.copyOf(this.hashes, capacity);
			this.values = Arrays.copyOf(this.values, capacity);
		}
		this.names[this.size] = name;
		this.hashes[this.size] = hash;
		this.values[this.size] = value;
		this.size++;
		this.modifications++;
	}

	private void removeAt(int index) {
		int moved = this.size - index - 1;
		if (moved > 0) {
			System.arraycopy(this.names, index + 1, this.names, index, moved);
			System.arraycopy(this.hashes, index + 1, this.hashes, index, moved);
			System.arraycopy(this.values, index + 1, this.values, index, moved);
		}
		this.size--;
		this.names[this.size] = null;
		this.values[this.size] = null;
		this.modifications++;
	}

	private final class EntrySet extends AbstractSet<Map.Entry<String, List<String>>> {

		@Override
		public int size() {
			return HeaderMap.this.size;
		}

		@Override
		public void clear() {
			HeaderMap.this.clear();
		}

		@Override
		public Iterator<Map.Entry<String, List<String>>> iterator() {
			return new EntryIterator();
		}

	}

	private final class KeySet extends AbstractSet<String> {

		@Override
		public int size() {
			return HeaderMap.this.size;
		}

		@Override
		public boolean contains(Object name) {
			return containsKey(name);
		}

		@Override
		public boolean remove(Object name) {
			int index = indexOf(name);
			if (index < 0) {
				return false;
			}
			removeAt(index);
			return true;
		}

		@Override
		public void clear() {
			HeaderMap.this.clear();
		}

		@Override
		public Iterator<String> iterator() {
			Iterator<Map.Entry<String, List<String>>> entries = new EntryIterator();
			return new Iterator<>() {

				@Override
				public boolean hasNext() {
					return entries.hasNext();
				}

				@Override
				public String next() {
					return entries.next().getKey();
				}

				@Override
				public void remove() {
					entries.remove();
				}

			};
		}

	}

	private final class EntryIterator implements Iterator<Map.Entry<String, List<String>>> {

		private int next;

		private int last = -1;

		private int expected = HeaderMap.this.modifications;

		@Override
		public boolean hasNext() {
			return this.next < HeaderMap.this.size;
		}

		@Override
		public Map.Entry<String, List<String>> next() {
			if (HeaderMap.this.modifications != this.expected) {
				throw new ConcurrentModificationException();
			}
			if (this.next >= HeaderMap.this.size) {
				throw new NoSuchElementException();
			}
			this.last = this.next++;
			return new Entry(this.last);
		}

		@Override
		public void remove() {
			if (this.last < 0) {
				throw new IllegalStateException();
			}
			if (HeaderMap.this.modifications != this.expected) {
				throw new ConcurrentModificationException();
			}
			removeAt(this.last);
			this.next = this.last;
			this.last = -1;
			this.expected = HeaderMap.this.modifications;
		}

	}

	/** An entry as it stands at its position; writes go to the map. */
	private final class Entry implements Map.Entry<String, List<String>> {

		private final String name;

		private final int index;

		Entry(int index) {
			this.name = HeaderMap.this.names[index];
			this.index = index;
		}

		@Override
		public String getKey() {
			return this.name;
		}

		@Override
		public List<String> getValue() {
			return HeaderMap.this.values[this.index];
		}

		@Override
		public List<String> setValue(List<String> value) {
			List<String> previous = HeaderMap.this.values[this.index];
			HeaderMap.this.values[this.index] = value;
			return previous;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Map.Entry<?, ?> that && this.name.equals(that.getKey())
					&& Objects.equals(getValue(), that.getValue());
		}

		@Override
		public int hashCode() {
			return this.name.hashCode() ^ Objects.hashCode(getValue());
		}

		@Override
		public String toString() {
			return this.name + "=" + getValue();
		}

	}

}
