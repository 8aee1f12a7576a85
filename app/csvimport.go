package app

// Importing a plan from a CSV file: every row is checked completely first
// (PreviewCSV), the user sees one line per row with "ok" or the reason,
// and then the posts are stored in one transaction (ImportCSV), so a file
// is never half imported.

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// The columns of an import file, by the names the header may use for them
// (compared without case, spaces, '_' and '-').
const (
	colDate    = "date"
	colTime    = "time"
	colZone    = "zone"
	colAccount = "accounts"
	colText    = "text"
	colMedia   = "media paths"
	colComment = "first comment"
)

var csvColumns = map[string]string{
	"date": colDate, "day": colDate,
	"time": colTime, "clock": colTime,
	"zone": colZone, "timezone": colZone,
	"accounts": colAccount, "account": colAccount,
	"text": colText, "post": colText,
	"mediapaths": colMedia, "media": colMedia, "mediapath": colMedia,
	"firstcomment": colComment, "comment": colComment,
}

// csvColumnList is how the user is told the columns.
const csvColumnList = "date, time, zone, accounts, text, media paths, first comment"

// maxImportBytes keeps a wrong file (a video picked by mistake) from being
// read into memory.
const maxImportBytes = 20 << 20

// ImportRow is one row of an import file as checked.
type ImportRow struct {
	Line         int // line of the file the row starts on (the header is line 1)
	Date, Time   string
	Zone         string // the zone the time is read in
	Accounts     []string
	Text         string
	Media        []string // absolute paths
	FirstComment string
	At           time.Time // planned instant in UTC; zero = no date, imported as a draft
	Note         string    // a change made to the time (clocks moving), to show beside "ok"
	Problems     []string  // why the row cannot be imported; none = it can

	draft Draft
}

// OK reports whether the row can be imported.
func (r ImportRow) OK() bool { return len(r.Problems) == 0 }

// Status is the row's line in the preview: "ok" (with a note), or the
// reasons it cannot be imported.
func (r ImportRow) Status() string {
	if !r.OK() {
		return strings.Join(r.Problems, " ")
	}
	if r.Note != "" {
		return "ok — " + r.Note
	}
	return "ok"
}

// ImportPlan is an import file checked row by row.
type ImportPlan struct {
	File string
	Rows []ImportRow
}

// Good counts the rows that can be imported.
func (p ImportPlan) Good() int {
	n := 0
	for _, r := range p.Rows {
		if r.OK() {
			n++
		}
	}
	return n
}

// PreviewCSV reads and checks an import file without saving anything. The
// error is for a file that cannot be read as a whole (missing, not CSV, a
// header without the needed columns); problems of single rows are in
// their ImportRow.
func (a *App) PreviewCSV(ctx context.Context, path string) (ImportPlan, error) {
	plan := ImportPlan{File: path}
	f, err := os.Open(path)
	if err != nil {
		return plan, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil {
		return plan, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxImportBytes {
		return plan, fmt.Errorf("%s is larger than %d MB; is it the right file? Split it into smaller files", filepath.Base(path), maxImportBytes>>20)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return plan, fmt.Errorf("read %s: %w", path, err)
	}
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return plan, fmt.Errorf("import %s: %w", filepath.Base(path), err)
	}

	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	if first, _, _ := bytes.Cut(b, []byte("\n")); !bytes.Contains(first, []byte(",")) && bytes.Contains(first, []byte(";")) {
		r.Comma = ';' // spreadsheets set to a European locale write ';'
	}
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return plan, fmt.Errorf("%s is empty; its first line must name the columns (%s)", filepath.Base(path), csvColumnList)
	}
	if err != nil {
		return plan, fmt.Errorf("%s is not a CSV file Localpost can read: %w", filepath.Base(path), err)
	}
	cols, err := csvHeader(header)
	if err != nil {
		return plan, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return plan, fmt.Errorf("%s is not a CSV file Localpost can read: %w", filepath.Base(path), err)
		}
		line, _ := r.FieldPos(0)
		field := func(c string) string {
			i, ok := cols[c]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // blank lines between blocks of posts
		}
		row := ImportRow{Line: line, Date: field(colDate), Time: field(colTime), Zone: field(colZone),
			Text: field(colText), FirstComment: field(colComment)}
		a.checkRow(ctx, &row, field(colAccount), field(colMedia), dir, accs)
		plan.Rows = append(plan.Rows, row)
	}
	if len(plan.Rows) == 0 {
		return plan, fmt.Errorf("%s has no posts: only the header line", filepath.Base(path))
	}
	return plan, nil
}

// csvHeader maps the header to the column indexes.
func csvHeader(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		key := strings.Map(func(r rune) rune {
			if r == ' ' || r == '_' || r == '-' {
				return -1
			}
			return r
		}, strings.ToLower(strings.TrimSpace(h)))
		if key == "" {
			continue
		}
		c, ok := csvColumns[key]
		if !ok {
			return nil, fmt.Errorf("the column %q is not one Localpost reads; name the columns %s", h, csvColumnList)
		}
		if _, dup := cols[c]; dup {
			return nil, fmt.Errorf("the column %q appears twice", c)
		}
		cols[c] = i
	}
	var missing []string
	for _, c := range []string{colDate, colTime, colAccount, colText} {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the first line must name the columns; %s missing (the columns are %s)",
			strings.Join(missing, ", "), csvColumnList)
	}
	return cols, nil
}

// checkRow fills in everything about one row and what is wrong with it.
func (a *App) checkRow(ctx context.Context, row *ImportRow, accounts, media, dir string, accs []data.Account) {
	bad := func(format string, args ...any) { row.Problems = append(row.Problems, fmt.Sprintf(format, args...)) }
	d := Draft{Text: row.Text}

	// accounts
	names := strings.FieldsFunc(accounts, func(r rune) bool { return r == ';' || r == '|' })
	seen := map[int64]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		acc, problem := a.findAccount(n, accs)
		if problem != "" {
			bad("%s", problem)
			continue
		}
		row.Accounts = append(row.Accounts, acc.Handle)
		if !seen[acc.ID] {
			seen[acc.ID] = true
			d.AccountIDs = append(d.AccountIDs, acc.ID)
		}
	}
	if len(names) == 0 {
		bad("No accounts: name them in the accounts column (e.g. @alice@example.social; x:@alice).")
	}

	// time
	loc := a.Location()
	if row.Zone != "" {
		l, err := time.LoadLocation(row.Zone)
		if err != nil || row.Zone == "Local" {
			bad("Unknown time zone %q: use a name like Europe/Berlin or leave it empty for yours.", row.Zone)
		} else {
			loc = l
		}
	}
	row.Zone = loc.String()
	d.Zone = loc
	switch {
	case row.Date == "" && row.Time == "":
		// an idea without a date: imported as a draft
	case row.Date == "":
		bad("A time without a date: add the date as YYYY-MM-DD.")
	case row.Time == "":
		bad("A date without a time: add the time as HH:MM.")
	default:
		day, err := time.ParseInLocation(time.DateOnly, row.Date, loc)
		if err != nil {
			bad("%q is not a date: write it as YYYY-MM-DD, e.g. 2026-03-29.", row.Date)
			break
		}
		at, note, err := ResolveTime(day, row.Time, loc)
		if err != nil {
			bad("%s.", upperFirst(err.Error()))
			break
		}
		if at.Before(a.now().Add(-time.Minute)) {
			bad("%s %s is in the past.", row.Date, row.Time)
		}
		d.Day, d.Clock = day, row.Time
		row.At, row.Note = at, note
	}

	// media
	for _, p := range strings.Split(media, ";") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		row.Media = append(row.Media, p)
		mime, size, err := data.MediaType(p)
		if err != nil {
			bad("%s.", strings.TrimSuffix(upperFirst(err.Error()), ": file does not exist"))
			continue
		}
		d.Media = append(d.Media, DraftMedia{Path: p, Mime: mime, Size: size})
	}

	if row.FirstComment != "" {
		d.Variants = map[int64]Variant{}
		for _, id := range d.AccountIDs {
			d.Variants[id] = Variant{Options: platforms.Options{FirstComment: row.FirstComment}}
		}
	}
	if len(d.AccountIDs) > 0 && len(d.Media) == len(row.Media) {
		for _, p := range a.Check(ctx, d) {
			bad("%s", p.Message)
		}
	}
	row.draft = d
}

// findAccount finds the account a CSV names, or says why it cannot: its handle (with or without
// "@", without case), "network:handle" where a handle is on several
// networks, or, when only one account has it, a Mastodon handle's user
// part or the account's display name.
func (a *App) findAccount(name string, accs []data.Account) (acc data.Account, problem string) {
	network, handle := "", name
	if n, h, ok := strings.Cut(name, ":"); ok {
		network, handle = strings.TrimSpace(n), strings.TrimSpace(h)
	}
	norm := func(s string) string { return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@")) }
	want := norm(handle)
	var exact, loose []data.Account
	for _, acc := range accs {
		if network != "" && !strings.EqualFold(network, acc.Network) && !strings.EqualFold(network, a.networkName(acc.Network)) {
			continue
		}
		h := norm(acc.Handle)
		user, _, _ := strings.Cut(h, "@")
		switch {
		case h == want:
			exact = append(exact, acc)
		case user == want || strings.EqualFold(strings.TrimSpace(acc.DisplayName), handle):
			loose = append(loose, acc)
		}
	}
	found := exact
	if len(found) == 0 {
		found = loose
	}
	switch {
	case len(found) == 1:
		if found[0].State == data.AccountDisconnected {
			return data.Account{}, fmt.Sprintf("%s is disconnected: reconnect it in Accounts first.", found[0].Handle)
		}
		return found[0], ""
	case len(found) > 1:
		return data.Account{}, fmt.Sprintf("%q is more than one account: write it as network:handle, e.g. %s:%s.", name, found[0].Network, found[0].Handle)
	}
	return data.Account{}, fmt.Sprintf("No account %q: connect it in Accounts or fix the name.", name)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ImportCSV stores the rows of a checked file in one transaction: all of
// them or, if anything fails, none. Rows with problems stop the import
// unless onlyGood, which imports the others. Media files are copied into
// the data folder first (a failed import leaves them there, unused, as
// attaching them in the composer would). It returns how many posts were
// stored.
func (a *App) ImportCSV(ctx context.Context, plan ImportPlan, onlyGood bool) (int, error) {
	var rows []ImportRow
	for _, r := range plan.Rows {
		if r.OK() {
			rows = append(rows, r)
		} else if !onlyGood {
			return 0, fmt.Errorf("%d of %d rows have problems (the first on line %d); fix the file or import only the good rows",
				len(plan.Rows)-plan.Good(), len(plan.Rows), r.Line)
		}
	}
	if len(rows) == 0 {
		return 0, errors.New("no row can be imported; fix the file and try again")
	}
	copied := map[string]DraftMedia{}
	posts := make([]data.Post, 0, len(rows))
	for _, r := range rows {
		if !r.At.IsZero() && r.At.Before(a.now().Add(-time.Minute)) {
			return 0, fmt.Errorf("line %d, %s %s, is in the past now; check the file again", r.Line, r.Date, r.Time)
		}
		d := r.draft
		d.Media = nil
		for _, p := range r.Media {
			m, ok := copied[p]
			if !ok {
				var err error
				if m, err = a.AddMedia(ctx, p); err != nil {
					return 0, fmt.Errorf("line %d: %w", r.Line, err)
				}
				copied[p] = m
			}
			d.Media = append(d.Media, m)
		}
		st := data.StateScheduled
		if r.At.IsZero() {
			st = data.StateDraft
		}
		posts = append(posts, toPost(d, r.At, st))
	}
	ids, err := a.Store.CreatePosts(ctx, posts)
	if pe := (*data.PostError)(nil); errors.As(err, &pe) && pe.Index < len(rows) {
		return 0, fmt.Errorf("nothing was imported: line %d could not be saved (%w); check the file again", rows[pe.Index].Line, pe.Err)
	}
	if err != nil {
		return 0, fmt.Errorf("nothing was imported: %w", err)
	}
	a.changed()
	a.Wake()
	return len(ids), nil
}
