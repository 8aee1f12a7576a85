package views

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// Choices that keep every post.
const (
	allAccounts = "All accounts"
	allNetworks = "All networks"
	allStates   = "All states"
	allLabels   = "All labels"
)

// stateChoices are the states the state filter offers, in its order.
var stateChoices = []struct {
	name  string
	state data.PostState
}{
	{"Scheduled", data.StateScheduled},
	{"Published", data.StatePublished},
	{"Failed", data.StateFailed},
	{"Waiting for you", data.StateMissed},
	{"Uncertain", data.StateUncertain},
	{"Draft", data.StateDraft},
	{"Publishing", data.StatePublishing},
}

// filterBar is the calendar's filters: account, network, state and label,
// and a search in the posts' text. Every view shows only the posts that
// pass.
type filterBar struct {
	account, network, state *widget.Select
	label                   *widget.Select
	search                  *widget.Entry
	clear                   *widget.Button
	obj                     fyne.CanvasObject

	accounts []data.Account // in the account Select's order, after allAccounts
	networks []string       // in the network Select's order, after allNetworks
	labels   []data.Label   // in the label Select's order, after allLabels
	quiet    bool           // set while the bar changes its own widgets

	onChanged func(data.CalendarFilter)
}

func newFilterBar() *filterBar {
	f := &filterBar{}
	changed := func(string) { f.changed() }
	f.account = ext(&widget.Select{Options: []string{allAccounts}, Selected: allAccounts, OnChanged: changed})
	f.network = ext(&widget.Select{Options: []string{allNetworks}, Selected: allNetworks, OnChanged: changed})
	states := []string{allStates}
	for _, c := range stateChoices {
		states = append(states, c.name)
	}
	f.state = ext(&widget.Select{Options: states, Selected: allStates, OnChanged: changed})
	f.label = ext(&widget.Select{Options: []string{allLabels}, Selected: allLabels, OnChanged: changed})
	f.search = ext(&widget.Entry{PlaceHolder: "Search posts", ActionItem: widget.NewIcon(theme.SearchIcon()), OnChanged: changed})
	f.clear = ext(&widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), Importance: widget.LowImportance, OnTapped: f.reset})
	f.clear.Hide()
	// fixed widths: a long account name is cut rather than widening the window
	h := f.search.MinSize().Height
	f.obj = container.NewHBox(
		container.New(layout.NewGridWrapLayout(fyne.NewSize(130, h)), f.account),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(125, h)), f.network),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(115, h)), f.state),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(115, h)), f.label),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(150, h)), f.search), f.clear)
	return f
}

// filter is what the bar asks for now.
func (f *filterBar) filter() data.CalendarFilter {
	var out data.CalendarFilter
	if i := f.account.SelectedIndex(); i > 0 {
		out.AccountIDs = []int64{f.accounts[i-1].ID}
	}
	if i := f.network.SelectedIndex(); i > 0 {
		out.Networks = []string{f.networks[i-1]}
	}
	if i := f.state.SelectedIndex(); i > 0 {
		out.States = []data.PostState{stateChoices[i-1].state}
	}
	if i := f.label.SelectedIndex(); i > 0 {
		out.LabelIDs = []int64{f.labels[i-1].ID}
	}
	out.Text = f.search.Text
	return out
}

func (f *filterBar) changed() {
	if f.quiet {
		return
	}
	flt := f.filter()
	f.clear.Hidden = flt.IsZero()
	f.clear.Refresh()
	if f.onChanged != nil {
		f.onChanged(flt)
	}
}

// reset shows every post again.
func (f *filterBar) reset() {
	f.quiet = true
	f.account.SetSelectedIndex(0)
	f.network.SetSelectedIndex(0)
	f.state.SetSelectedIndex(0)
	f.label.SetSelectedIndex(0)
	f.search.SetText("")
	f.quiet = false
	f.changed()
}

// setAccounts offers the user's accounts and their networks, keeping the
// choices that are still there (a vanished one falls back to "All").
func (f *filterBar) setAccounts(accs []data.Account) {
	wasAcc, wasNet := f.filter().AccountIDs, f.filter().Networks
	f.accounts = accs
	f.networks = nil
	opts := []string{allAccounts}
	for _, a := range accs {
		name := a.DisplayName
		if name == "" {
			name = a.Handle
		}
		opts = append(opts, name+" · "+networkName(a.Network))
		if !slices.Contains(f.networks, a.Network) {
			f.networks = append(f.networks, a.Network)
		}
	}
	slices.Sort(f.networks)
	nets := []string{allNetworks}
	for _, n := range f.networks {
		nets = append(nets, networkName(n))
	}
	f.quiet = true
	f.account.SetOptions(opts)
	f.account.SetSelectedIndex(0)
	for i, a := range accs {
		if len(wasAcc) > 0 && a.ID == wasAcc[0] {
			f.account.SetSelectedIndex(i + 1)
		}
	}
	f.network.SetOptions(nets)
	f.network.SetSelectedIndex(0)
	for i, n := range f.networks {
		if len(wasNet) > 0 && n == wasNet[0] {
			f.network.SetSelectedIndex(i + 1)
		}
	}
	f.quiet = false
	if now := f.filter(); !slices.Equal(now.AccountIDs, wasAcc) || !slices.Equal(now.Networks, wasNet) {
		f.changed()
	}
}

// setLabels offers the labels, keeping the chosen one while it is there
// (a deleted label falls back to "All labels", which reloads).
func (f *filterBar) setLabels(ls []data.Label) {
	if slices.Equal(ls, f.labels) {
		return
	}
	was := f.filter().LabelIDs
	f.labels = ls
	opts := []string{allLabels}
	for _, l := range ls {
		opts = append(opts, l.Name)
	}
	f.quiet = true
	f.label.SetOptions(opts)
	f.label.SetSelectedIndex(0)
	for i, l := range ls {
		if len(was) > 0 && l.ID == was[0] {
			f.label.SetSelectedIndex(i + 1)
		}
	}
	f.quiet = false
	if !slices.Equal(f.filter().LabelIDs, was) {
		f.changed()
	}
}
