package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The history file's buckets. Fingerprints are in one bucket per table,
// "fp:<table>" (watcher.go).
var (
	bMeta     = []byte("meta")     // key → JSON (see metaKeys)
	bMarks    = []byte("marks")    // table → mark
	bTotals   = []byte("totals")   // entity → Tally since setup
	bHours    = []byte("hours")    // entity 0 hour → Tally of that hour
	bAlerts   = []byte("alerts")   // active alerts: id → Alert
	bAlertLog = []byte("alertlog") // seq → Alert (raised or resolved)
	bJobs     = []byte("jobs")     // job name → jobRecord
	bJobRuns  = []byte("jobruns")  // seq → JobRun
)

// The meta keys.
var (
	kIdentity = []byte("identity")
	kCreated  = []byte("created")
	kPollSeq  = []byte("poll_seq")
	kActivity = []byte("activity")
	kAlertSeq = []byte("alert_seq")
	kAPI      = []byte("api")
	kLog      = []byte("log")
)

// Limits of what the history keeps.
const (
	keepHours   = 7 * 24 // per-hour counts
	memoryHours = 48     // of which the engine keeps in memory
	keepLog     = 500    // alert events and job runs
)

// state is the history as the engine holds it in memory.
type state struct {
	created  time.Time
	pollSeq  int64
	activity time.Time // the integration's last activity, or setup
	api      apiState
	log      LogTail
	marks    map[string]*mark
	totals   Changes
	hours    map[int64]Changes // hour (Unix time / 3600) → changes
	alerts   alertBook
	alertLog []Alert // newest first, at most memoryAlerts
	jobs     map[string]*jobRecord
	pruned   int64 // the hour the old hours were last dropped
}

const memoryAlerts = 50

// ErrOtherStore says a history file belongs to another store.
var ErrOtherStore = errors.New("the sync history file belongs to another store")

// openHistory opens (or creates) the history file. A file that another
// running ocsetup holds is an error after a second, not a wait.
func openHistory(path, identity string, now time.Time) (*bolt.DB, *state, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, err
	}
	hdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, nil, fmt.Errorf("%s is in use by another ocsetup (sync view or command): %w", path, err)
		}
		return nil, nil, err
	}
	st := &state{marks: map[string]*mark{}, totals: Changes{}, hours: map[int64]Changes{},
		alerts: alertBook{active: map[string]Alert{}}, jobs: map[string]*jobRecord{}}
	err = hdb.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bMeta, bMarks, bTotals, bHours, bAlerts, bAlertLog, bJobs, bJobRuns} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		if got := meta.Get(kIdentity); got == nil {
			if err := meta.Put(kIdentity, []byte(identity)); err != nil {
				return err
			}
			st.created, st.activity = now, now
			if err := putJSON(meta, kCreated, now); err != nil {
				return err
			}
			return putJSON(meta, kActivity, now)
		} else if identity != "" && string(got) != identity {
			return fmt.Errorf("%w: %s is the history of %q, not of %q", ErrOtherStore, path, got, identity)
		}
		return st.load(tx, now)
	})
	if err != nil {
		_ = hdb.Close()
		return nil, nil, err
	}
	return hdb, st, nil
}

// load reads the state of an existing history.
func (st *state) load(tx *bolt.Tx, now time.Time) error {
	meta := tx.Bucket(bMeta)
	for k, v := range map[string]any{string(kCreated): &st.created, string(kPollSeq): &st.pollSeq,
		string(kActivity): &st.activity, string(kAlertSeq): &st.alerts.seq, string(kAPI): &st.api, string(kLog): &st.log} {
		if err := getJSON(meta, []byte(k), v); err != nil {
			return err
		}
	}
	err := tx.Bucket(bMarks).ForEach(func(k, v []byte) error {
		m := &mark{}
		st.marks[string(k)] = m
		return json.Unmarshal(v, m)
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bTotals).ForEach(func(k, v []byte) error {
		var t Tally
		if err := json.Unmarshal(v, &t); err != nil {
			return err
		}
		st.totals[Entity(k)] = t
		return nil
	})
	if err != nil {
		return err
	}
	recent := hourOf(now) - memoryHours
	err = tx.Bucket(bHours).ForEach(func(k, v []byte) error {
		e, hour, ok := splitHourKey(k)
		if !ok || hour < recent {
			return nil
		}
		var t Tally
		if err := json.Unmarshal(v, &t); err != nil {
			return err
		}
		if st.hours[hour] == nil {
			st.hours[hour] = Changes{}
		}
		st.hours[hour][e] = t
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bAlerts).ForEach(func(k, v []byte) error {
		var a Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		st.alerts.active[string(k)] = a
		return nil
	})
	if err != nil {
		return err
	}
	c := tx.Bucket(bAlertLog).Cursor()
	for k, v := c.Last(); k != nil && len(st.alertLog) < memoryAlerts; k, v = c.Prev() {
		var a Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		st.alertLog = append(st.alertLog, a)
	}
	return tx.Bucket(bJobs).ForEach(func(k, v []byte) error {
		r := &jobRecord{}
		st.jobs[string(k)] = r
		return json.Unmarshal(v, r)
	})
}
