package sync

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// pollWrite is what one poll stores besides the fingerprints.
type pollWrite struct {
	marks    map[string]*mark
	changes  Changes
	hour     int64
	pollSeq  int64
	activity time.Time
	api      apiState
	log      LogTail
	alerts   []Alert
	alertSeq int64
}

// savePoll stores a poll's counts, marks and meta in tx. The returned
// commit updates the in-memory totals and hours; the caller runs it with
// the engine's lock held once the transaction committed.
func (st *state) savePoll(tx *bolt.Tx, w pollWrite) (commit func(), err error) {
	for name, m := range w.marks {
		if err := putJSON(tx.Bucket(bMarks), []byte(name), m); err != nil {
			return nil, err
		}
	}
	totals := st.totals.clone()
	totals.merge(w.changes)
	hour := st.hours[w.hour].clone()
	hour.merge(w.changes)
	for e := range w.changes {
		if err := putJSON(tx.Bucket(bTotals), []byte(e), totals[e]); err != nil {
			return nil, err
		}
		if err := putJSON(tx.Bucket(bHours), hourKey(e, w.hour), hour[e]); err != nil {
			return nil, err
		}
	}
	for k, v := range map[string]any{string(kPollSeq): w.pollSeq, string(kActivity): w.activity,
		string(kAPI): w.api, string(kLog): w.log} {
		if err := putJSON(tx.Bucket(bMeta), []byte(k), v); err != nil {
			return nil, err
		}
	}
	if err := saveAlerts(tx, w.alerts, w.alertSeq); err != nil {
		return nil, err
	}
	pruned := st.pruned
	if w.hour != st.pruned {
		if err := pruneHours(tx.Bucket(bHours), w.hour-keepHours); err != nil {
			return nil, err
		}
		pruned = w.hour
	}
	return func() {
		st.totals = totals
		st.hours[w.hour] = hour
		for h := range st.hours {
			if h < w.hour-memoryHours {
				delete(st.hours, h)
			}
		}
		st.pruned = pruned
	}, nil
}

// saveAlerts stores alert events, the active set and the alert sequence.
func saveAlerts(tx *bolt.Tx, events []Alert, seq int64) error {
	if len(events) == 0 {
		return nil
	}
	active, log := tx.Bucket(bAlerts), tx.Bucket(bAlertLog)
	for _, a := range events {
		var err error
		if a.Active() {
			err = putJSON(active, []byte(a.id()), a)
		} else {
			err = active.Delete([]byte(a.id()))
		}
		if err != nil {
			return err
		}
		if err := appendLog(log, a); err != nil {
			return err
		}
	}
	return putJSON(tx.Bucket(bMeta), kAlertSeq, seq)
}

// noteAlerts adds stored events to the in-memory log.
func (st *state) noteAlerts(events []Alert) {
	for _, a := range events {
		st.alertLog = append([]Alert{a}, st.alertLog...)
	}
	if len(st.alertLog) > memoryAlerts {
		st.alertLog = st.alertLog[:memoryAlerts]
	}
}

// saveJobRun stores one job run.
func saveJobRun(tx *bolt.Tx, run JobRun, rec jobRecord, alerts []Alert, alertSeq int64) error {
	if err := putJSON(tx.Bucket(bJobs), []byte(run.Job), rec); err != nil {
		return err
	}
	if err := appendLog(tx.Bucket(bJobRuns), run); err != nil {
		return err
	}
	return saveAlerts(tx, alerts, alertSeq)
}

// appendLog adds v under the bucket's next sequence number and drops
// what is older than the last keepLog entries.
func appendLog(b *bolt.Bucket, v any) error {
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if err := putJSON(b, seqKey(seq), v); err != nil {
		return err
	}
	if seq > keepLog {
		return b.Delete(seqKey(seq - keepLog))
	}
	return nil
}

// jobRuns returns the stored runs, newest first (at most n).
func jobRuns(tx *bolt.Tx, n int) ([]JobRun, error) {
	var out []JobRun
	c := tx.Bucket(bJobRuns).Cursor()
	for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
		var r JobRun
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func pruneHours(b *bolt.Bucket, before int64) error {
	var old [][]byte
	err := b.ForEach(func(k, _ []byte) error {
		if _, hour, ok := splitHourKey(k); !ok || hour < before {
			old = append(old, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// hourOf is the hour a time falls in, as hours since the Unix epoch.
func hourOf(t time.Time) int64 { return t.Unix() / 3600 }

func hourKey(e Entity, hour int64) []byte {
	k := append([]byte(e), 0)
	return binary.BigEndian.AppendUint64(k, uint64(hour))
}

func splitHourKey(k []byte) (Entity, int64, bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k)-i-1 != 8 {
		return "", 0, false
	}
	return Entity(k[:i]), int64(binary.BigEndian.Uint64(k[i+1:])), true
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// getJSON leaves v alone when the key is absent.
func getJSON(b *bolt.Bucket, k []byte, v any) error {
	data := b.Get(k)
	if data == nil {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("sync history: %s: %w", k, err)
	}
	return nil
}
