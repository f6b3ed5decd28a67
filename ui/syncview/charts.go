package syncview

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sparkline draws a series (changes per hour) as thin bars, the latest
// on the right; a zero is a dot on the base line so that "nothing" is
// visibly different from "no data".
type sparkline struct {
	widget.BaseWidget
	values []int64
}

func newSparkline() *sparkline {
	s := &sparkline{}
	s.ExtendBaseWidget(s)
	return s
}

// SetValues shows a new series; call it on the Fyne goroutine.
func (s *sparkline) SetValues(v []int64) {
	s.values = append(s.values[:0], v...)
	s.Refresh()
}

func (s *sparkline) CreateRenderer() fyne.WidgetRenderer {
	r := &sparkRenderer{s: s, base: canvas.NewRectangle(color.Transparent)}
	r.Refresh()
	return r
}

type sparkRenderer struct {
	s    *sparkline
	base *canvas.Rectangle
	bars []*canvas.Rectangle
}

func (r *sparkRenderer) Destroy() {}

func (r *sparkRenderer) MinSize() fyne.Size { return fyne.NewSize(120, 22) }

func (r *sparkRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.base}
	for _, b := range r.bars {
		objs = append(objs, b)
	}
	return objs
}

func (r *sparkRenderer) Layout(size fyne.Size) {
	r.base.Move(fyne.NewPos(0, size.Height-1))
	r.base.Resize(fyne.NewSize(size.Width, 1))
	n := len(r.bars)
	if n == 0 {
		return
	}
	var top int64
	for _, v := range r.s.values {
		top = max(top, v)
	}
	step := size.Width / float32(n)
	w := max(step-1, 1)
	for i, b := range r.bars {
		h := float32(2)
		if v := r.s.values[i]; v > 0 && top > 0 {
			h = max(3, (size.Height-1)*float32(v)/float32(top))
		}
		b.Move(fyne.NewPos(float32(i)*step, size.Height-h))
		b.Resize(fyne.NewSize(w, h))
	}
}

func (r *sparkRenderer) Refresh() {
	for len(r.bars) < len(r.s.values) {
		r.bars = append(r.bars, canvas.NewRectangle(color.Transparent))
	}
	r.bars = r.bars[:len(r.s.values)]
	r.base.FillColor = theme.Color(theme.ColorNameSeparator)
	for i, b := range r.bars {
		b.FillColor = theme.Color(theme.ColorNamePrimary)
		if r.s.values[i] == 0 {
			b.FillColor = theme.Color(theme.ColorNameDisabled)
		}
	}
	r.Layout(r.s.Size())
	canvas.Refresh(r.s)
}

// bar is one row of a bar chart.
type bar struct {
	label string
	value int64
}

// barChart draws labelled horizontal bars scaled to the largest value.
type barChart struct {
	widget.BaseWidget
	bars  []bar
	empty string // shown when there are no bars
}

func newBarChart(empty string) *barChart {
	c := &barChart{empty: empty}
	c.ExtendBaseWidget(c)
	return c
}

// SetBars shows new bars; call it on the Fyne goroutine.
func (c *barChart) SetBars(b []bar) {
	c.bars = append(c.bars[:0], b...)
	c.Refresh()
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{c: c, note: canvas.NewText("", color.Black)}
	r.Refresh()
	return r
}

type barRow struct {
	label, value *canvas.Text
	rect         *canvas.Rectangle
}

type barRenderer struct {
	c    *barChart
	rows []barRow
	note *canvas.Text
}

const barHeight = 18

func (r *barRenderer) Destroy() {}

func (r *barRenderer) MinSize() fyne.Size {
	if len(r.rows) == 0 {
		return r.note.MinSize()
	}
	return fyne.NewSize(r.labelWidth()+100, float32(len(r.rows))*(barHeight+theme.Padding()))
}

func (r *barRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.note}
	for _, row := range r.rows {
		objs = append(objs, row.rect, row.label, row.value)
	}
	return objs
}

func (r *barRenderer) labelWidth() float32 {
	var w float32
	for _, row := range r.rows {
		w = max(w, row.label.MinSize().Width)
	}
	return w
}

func (r *barRenderer) Layout(size fyne.Size) {
	r.note.Move(fyne.NewPos(0, 0))
	r.note.Resize(r.note.MinSize())
	lw := r.labelWidth() + theme.Padding()
	var top int64
	for _, b := range r.c.bars {
		top = max(top, b.value)
	}
	valueW := float32(48)
	room := max(size.Width-lw-valueW, 10)
	for i, row := range r.rows {
		y := float32(i) * (barHeight + theme.Padding())
		row.label.Move(fyne.NewPos(0, y))
		row.label.Resize(fyne.NewSize(lw, barHeight))
		w := float32(2)
		if top > 0 {
			w = max(2, room*float32(r.c.bars[i].value)/float32(top))
		}
		row.rect.Move(fyne.NewPos(lw, y+2))
		row.rect.Resize(fyne.NewSize(w, barHeight-4))
		row.value.Move(fyne.NewPos(lw+w+theme.Padding(), y))
		row.value.Resize(row.value.MinSize())
	}
}

func (r *barRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	for len(r.rows) < len(r.c.bars) {
		r.rows = append(r.rows, barRow{label: canvas.NewText("", fg), value: canvas.NewText("", fg), rect: canvas.NewRectangle(fg)})
	}
	r.rows = r.rows[:len(r.c.bars)]
	for i, row := range r.rows {
		b := r.c.bars[i]
		row.label.Text, row.label.Color = b.label, fg
		row.value.Text, row.value.Color = strconv.FormatInt(b.value, 10), fg
		row.value.TextStyle.Bold = true
		row.rect.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	r.note.Text, r.note.Color = "", theme.Color(theme.ColorNamePlaceHolder)
	if len(r.rows) == 0 {
		r.note.Text = r.c.empty
	}
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}
