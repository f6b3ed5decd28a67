package ui

import (
	"fyne.io/fyne/v2"
)

// sideBarWidth is the step list's width: fixed, so that moving between
// steps never moves the Back button under the mouse.
const sideBarWidth float32 = 210

// fixedWidth lays its objects out at a fixed width and the full height.
type fixedWidth struct{ width float32 }

func (l fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objects {
		if o.Visible() {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(l.width, h)
}

func (l fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(l.width, size.Height))
	}
}

// pageArea holds the current page. It asks the window for a fixed minimum,
// whatever the page wants: a long line wraps or scrolls inside the page
// and never makes the window grow by itself.
type pageArea struct{ min fyne.Size }

func (l pageArea) MinSize([]fyne.CanvasObject) fyne.Size { return l.min }

func (l pageArea) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
