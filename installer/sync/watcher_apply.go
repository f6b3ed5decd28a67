package sync

import (
	"bytes"
	"encoding/binary"
	"errors"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// apply counts what f found against the stored fingerprints, stores the
// new ones and moves the mark. It runs inside the poll's transaction.
// parentBase is the setup high-water mark of the parent table (descriptions
// of rows added since setup are new even during the first sweep).
func (w *watcher) apply(tx *bolt.Tx, f *fetched, m *mark, ch Changes, parentBase int64) error {
	if f.baseline {
		m.Started, m.HW, m.BaseHW = true, f.max, f.max
	}
	var b *bolt.Bucket
	if !w.insertOnly() {
		if m.Shape != w.shape {
			if m.Shape != "" {
				// Other columns are fingerprinted now: start a new baseline
				// sweep, which counts nothing, with the next poll.
				if err := tx.DeleteBucket(w.bucket); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
					return err
				}
				m.Cursor, m.Cycles, m.CycleStart, m.Clean = 0, 0, "", ""
				f.swept = false
			}
			m.Shape = w.shape
		}
		var err error
		if b, err = tx.CreateBucketIfNotExists(w.bucket); err != nil {
			return err
		}
	}
	for _, r := range f.newRows {
		if b != nil {
			if err := b.Put(w.key(r.id, r.lang), w.value(r)); err != nil {
				return err
			}
		}
		ch.add(w.entity, 0, false, Counts{Added: 1})
		m.HW = r.id
	}
	if f.last != "" {
		m.Last = f.last
	}
	if !f.swept {
		return nil
	}
	isNew := func(r fpRow) bool {
		if m.Cycles > 0 {
			return true
		}
		return w.lang && r.id > parentBase
	}
	if err := w.merge(b, f, ch, isNew); err != nil {
		return err
	}
	if f.prune > 0 {
		if err := w.forget(b, f.prune); err != nil {
			return err
		}
	}
	if f.cycleStart != "" {
		m.CycleStart = f.cycleStart
	}
	if f.wrapped {
		m.Cursor = 0
		m.Cycles++
		m.Clean = m.CycleStart
	} else {
		m.Cursor = f.hi
	}
	return nil
}

// merge walks the stored fingerprints of (lo, hi] beside the swept rows,
// both in key order: a stored key without a row was removed, a row
// without a key is new (counted when isNew says so), a different
// fingerprint is a change of that aspect. bbolt cursors must not see
// writes, so the writes wait until the walk is done.
func (w *watcher) merge(b *bolt.Bucket, f *fetched, ch Changes, isNew func(fpRow) bool) error {
	type kv struct{ k, v []byte }
	var puts []kv
	var dels [][]byte
	c := b.Cursor()
	k, v := c.Seek(w.key(f.lo+1, 0))
	rows := f.sweep
	for {
		if k != nil && w.keyID(k) > f.hi {
			k = nil
		}
		if k == nil && len(rows) == 0 {
			break
		}
		var cmp int
		switch {
		case k == nil:
			cmp = 1
		case len(rows) == 0:
			cmp = -1
		default:
			cmp = bytes.Compare(k, w.key(rows[0].id, rows[0].lang))
		}
		switch {
		case cmp < 0: // stored, no longer in the table
			lang := w.keyLang(k)
			ch.add(w.entity, int(lang), w.lang, Counts{Removed: 1})
			dels = append(dels, bytes.Clone(k))
			k, v = c.Next()
		case cmp > 0: // in the table, not seen before
			r := rows[0]
			if isNew(r) {
				ch.add(w.entity, int(r.lang), w.lang, Counts{Added: 1})
			}
			puts = append(puts, kv{w.key(r.id, r.lang), w.value(r)})
			rows = rows[1:]
		default:
			r := rows[0]
			if val := w.value(r); !bytes.Equal(v, val) {
				for a, asp := range w.aspects {
					if len(v) < 4*(a+1) || binary.BigEndian.Uint32(v[4*a:]) != r.fp[a] {
						ch.add(asp.entity, int(r.lang), w.lang, Counts{Changed: 1})
					}
				}
				puts = append(puts, kv{w.key(r.id, r.lang), val})
			}
			rows = rows[1:]
			k, v = c.Next()
		}
	}
	for _, d := range dels {
		if err := b.Delete(d); err != nil {
			return err
		}
	}
	for _, p := range puts {
		if err := b.Put(p.k, p.v); err != nil {
			return err
		}
	}
	return nil
}

// forget drops the fingerprints of ids <= upTo, which the window no
// longer sweeps; they were not removed from the store.
func (w *watcher) forget(b *bolt.Bucket, upTo int64) error {
	var dels [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && w.keyID(k) <= upTo; k, _ = c.Next() {
		dels = append(dels, bytes.Clone(k))
	}
	for _, d := range dels {
		if err := b.Delete(d); err != nil {
			return err
		}
	}
	return nil
}

// key is the id, and for descriptions the language, big-endian so that
// bbolt's byte order is the table's primary-key order.
func (w *watcher) key(id, lang int64) []byte {
	if !w.lang {
		return binary.BigEndian.AppendUint64(nil, uint64(id))
	}
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(id))
	return binary.BigEndian.AppendUint64(k, uint64(lang))
}

func (w *watcher) keyID(k []byte) int64 { return int64(binary.BigEndian.Uint64(k)) }

func (w *watcher) keyLang(k []byte) int64 {
	if len(k) < 16 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(k[8:]))
}

func (w *watcher) value(r fpRow) []byte {
	v := make([]byte, 0, 4*len(w.aspects))
	for a := range w.aspects {
		v = binary.BigEndian.AppendUint32(v, r.fp[a])
	}
	return v
}
