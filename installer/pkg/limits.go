package pkg

// Limits bound what Open will read. A zero field takes its default.
type Limits struct {
	// MaxEntries is the most entries (files and folders, junk included) an
	// archive or folder may hold; folders that only appear inside file
	// names count too. Default 20,000; OpenCart 4.0 itself
	// copies extensions in pages of 200 entries
	// (oc@4.0.2.3:upload/admin/controller/marketplace/installer.php), so
	// real packages stay far below.
	MaxEntries int
	// MaxTotalSize is the most bytes all entries may unpack to. Default
	// 512 MiB.
	MaxTotalSize int64
	// MaxRatio is the highest uncompressed/compressed ratio allowed for a
	// file larger than RatioMinSize. Default 100. Text compresses 3–10:1;
	// only padding and bombs go past 100:1.
	MaxRatio float64
	// RatioMinSize exempts small files from MaxRatio: a 1 KiB file of
	// spaces may legitimately compress 100:1. Default 1 MiB.
	RatioMinSize int64
	// MaxMetaSize is the most bytes of install.xml, install.sql,
	// install.php, install.json or an ocmod/*.ocmod.xml that are kept in
	// memory and parsed. Default 16 MiB.
	MaxMetaSize int64
}

// Default limits.
const (
	DefaultMaxEntries   = 20000
	DefaultMaxTotalSize = 512 << 20
	DefaultMaxRatio     = 100
	DefaultRatioMinSize = 1 << 20
	DefaultMaxMetaSize  = 16 << 20
)

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = DefaultMaxTotalSize
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.RatioMinSize <= 0 {
		l.RatioMinSize = DefaultRatioMinSize
	}
	if l.MaxMetaSize <= 0 {
		l.MaxMetaSize = DefaultMaxMetaSize
	}
	return l
}

// fileCap is the most bytes one file with compressed size c may inflate to
// before MaxRatio refuses it. A folder package (c < 0) has no ratio; the
// total limit still applies to it.
func (l Limits) fileCap(c int64) int64 {
	const huge = 1 << 62
	if c < 0 {
		return huge
	}
	r := l.MaxRatio * float64(c)
	if r >= huge {
		return huge
	}
	return max(l.RatioMinSize, int64(r))
}
