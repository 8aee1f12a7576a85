package app

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"localpost/data"
)

// "Export everything" writes one .zip that a person can read without
// Localpost: README.txt says what is in it, data.json holds every row of
// every table, media/ and avatars/ the files. ImportArchive puts it back
// into an empty data folder. Tokens and client secrets live in the
// keyring only, so the archive never holds one.

// ArchiveFormat is the version of the archive layout written and read here.
const ArchiveFormat = 1

// archiveApp marks an archive as Localpost's.
const archiveApp = "localpost"

// ArchiveProgress is how far an export or import is: Done of Total rows and
// files, and what it is working on.
type ArchiveProgress struct {
	Done, Total int
	Current     string
}

// archiveFile is one file in the archive, listed in data.json.
type archiveFile struct {
	Path   string `json:"path"` // inside the archive, e.g. media/<sha256>.png
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// archiveHeader is everything in data.json but the tables.
type archiveHeader struct {
	Format        int              `json:"format"`
	App           string           `json:"app"`
	AppVersion    string           `json:"app_version"`
	ExportedAt    string           `json:"exported_at"`
	SchemaVersion int              `json:"schema_version"`
	Counts        map[string]int64 `json:"counts"`
	Files         []archiveFile    `json:"files"`
	MissingFiles  []string         `json:"missing_files"`
}

// progressCounter reports progress, at most every progressEvery rows.
type progressCounter struct {
	fn          func(ArchiveProgress)
	done, total int
	current     string
}

const progressEvery = 500

func (p *progressCounter) start(current string) {
	p.current = current
	p.fn(ArchiveProgress{Done: p.done, Total: p.total, Current: current})
}

func (p *progressCounter) add(n int) {
	before := p.done
	p.done += n
	if p.done/progressEvery != before/progressEvery || p.done == p.total {
		p.fn(ArchiveProgress{Done: p.done, Total: p.total, Current: p.current})
	}
}

// exportFile is a file to put into the archive.
type exportFile struct {
	name, disk string // in the archive; on disk
	sha256     string // what the content must hash to; "" = not known (avatars are named by it but unchecked)
}

// ExportArchive writes everything Localpost keeps about the user to one
// .zip at path: README.txt, data.json and the media and avatar files. It
// reads one consistent snapshot of the database. The file appears at path
// only once it is complete: on an error or a cancel nothing is left there.
func (a *App) ExportArchive(ctx context.Context, path string, progress func(ArchiveProgress)) (err error) {
	if progress == nil {
		progress = func(ArchiveProgress) {}
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return fmt.Errorf("export to %s: the folder cannot be written (%w); choose another place", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			if errors.Is(err, context.Canceled) {
				err = fmt.Errorf("export cancelled; no archive was written: %w", err)
			} else {
				err = fmt.Errorf("export to %s: %w", path, err)
			}
		}
	}()

	sn, err := a.Store.Snapshot(ctx)
	if err != nil {
		return err
	}
	defer sn.Close()
	files, err := exportFiles(ctx, sn, a.Store.Dir)
	if err != nil {
		return err
	}
	hdr := archiveHeader{
		Format:        ArchiveFormat,
		App:           archiveApp,
		AppVersion:    appVersion(),
		ExportedAt:    a.now().UTC().Format(time.RFC3339),
		SchemaVersion: sn.Version,
		Counts:        map[string]int64{},
		Files:         []archiveFile{},
		MissingFiles:  []string{},
	}
	p := &progressCounter{fn: progress, total: len(files)}
	for _, t := range sn.Tables {
		hdr.Counts[t.Name] = t.Rows
		p.total += int(t.Rows)
	}

	zw := zip.NewWriter(tmp)
	if err := writeZipEntry(zw, "README.txt", a.now(), zip.Deflate, func(w io.Writer) error {
		_, err := io.WriteString(w, archiveReadme(hdr, sn.Tables))
		return err
	}); err != nil {
		return err
	}
	for _, f := range files {
		p.start(f.name)
		af, missing, err := copyIntoZip(ctx, zw, f)
		if err != nil {
			return err
		}
		if missing {
			hdr.MissingFiles = append(hdr.MissingFiles, f.name)
		} else {
			hdr.Files = append(hdr.Files, af)
		}
		p.add(1)
	}
	if err := writeZipEntry(zw, "data.json", a.now(), zip.Deflate, func(w io.Writer) error {
		return writeDataJSON(ctx, w, hdr, sn, p)
	}); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	progress(ArchiveProgress{Done: p.total, Total: p.total, Current: "done"})
	return nil
}

// exportFiles lists the media files the media table names and the avatars
// the accounts name, each once.
func exportFiles(ctx context.Context, sn *data.Snapshot, dir string) ([]exportFile, error) {
	var files []exportFile
	seen := map[string]bool{}
	add := func(sub, name, sum string) error {
		if !plainName(name) {
			return fmt.Errorf("%s %q is not a file name inside the data folder", sub, name)
		}
		if zn := sub + "/" + name; !seen[zn] {
			seen[zn] = true
			files = append(files, exportFile{name: zn, disk: filepath.Join(dir, sub, name), sha256: sum})
		}
		return nil
	}
	for _, t := range sn.Tables {
		var fileCol, sumCol int = -1, -1
		var sub string
		switch t.Name {
		case "media":
			sub, fileCol, sumCol = data.MediaDir, columnIndex(t.Columns, "file"), columnIndex(t.Columns, "sha256")
		case "accounts":
			sub, fileCol = data.AvatarDir, columnIndex(t.Columns, "avatar_path")
		}
		if fileCol < 0 {
			continue
		}
		err := sn.Rows(ctx, t.Name, func(vals []any) error {
			name, _ := vals[fileCol].(string)
			if name == "" {
				return nil
			}
			sum := ""
			if sumCol >= 0 {
				sum, _ = vals[sumCol].(string)
			}
			return add(sub, name, sum)
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

func columnIndex(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// plainName reports whether name is a bare file name, safe to join to a
// folder: no separators, not . or .., not hidden.
func plainName(name string) bool {
	return name != "" && !strings.ContainsAny(name, `/\:`) && !strings.HasPrefix(name, ".") &&
		filepath.Base(name) == name
}

func writeZipEntry(zw *zip.Writer, name string, mod time.Time, method uint16, fill func(io.Writer) error) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: mod})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := fill(bw); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// copyIntoZip stores one file (media is compressed already) and hashes it
// on the way. A missing file is reported, not an error: the export carries
// on and lists it; a media file whose content no longer matches its name is
// an error, so a damaged copy never travels as a good one.
func copyIntoZip(ctx context.Context, zw *zip.Writer, f exportFile) (archiveFile, bool, error) {
	in, err := os.Open(f.disk)
	if errors.Is(err, fs.ErrNotExist) {
		return archiveFile{}, true, nil
	}
	if err != nil {
		return archiveFile{}, false, fmt.Errorf("%s: %w", f.name, err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return archiveFile{}, false, fmt.Errorf("%s: %w", f.name, err)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Store, Modified: st.ModTime()})
	if err != nil {
		return archiveFile{}, false, fmt.Errorf("%s: %w", f.name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), ctxReader{ctx, in})
	if err != nil {
		return archiveFile{}, false, fmt.Errorf("%s: %w", f.name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if f.sha256 != "" && sum != f.sha256 {
		return archiveFile{}, false, fmt.Errorf("%s no longer matches its checksum: it was changed or damaged on disk (%s); "+
			"remove it from the media library and the posts that use it, then export again", f.name, f.disk)
	}
	return archiveFile{Path: f.name, Size: n, SHA256: sum}, false, nil
}

func appVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// writeDataJSON streams data.json: the header, then every table's rows,
// one row per line, as objects whose keys are in the columns' order.
func writeDataJSON(ctx context.Context, w io.Writer, hdr archiveHeader, sn *data.Snapshot, p *progressCounter) error {
	head, err := json.MarshalIndent(hdr, "", "  ")
	if err != nil {
		return err
	}
	// The header without its closing brace, then the tables.
	head = bytes.TrimSuffix(head, []byte("\n}"))
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := io.WriteString(w, ",\n  \"tables\": {"); err != nil {
		return err
	}
	var buf []byte
	for ti, t := range sn.Tables {
		p.start(t.Name)
		buf = buf[:0]
		if ti > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n    "...)
		buf = appendJSONString(buf, t.Name)
		buf = append(buf, ": ["...)
		keys := make([][]byte, len(t.Columns))
		for i, c := range t.Columns {
			keys[i] = appendJSONString(nil, c)
		}
		n := 0
		err := sn.Rows(ctx, t.Name, func(vals []any) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if n > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, "\n      {"...)
			for i, v := range vals {
				if i > 0 {
					buf = append(buf, ", "...)
				}
				buf = append(buf, keys[i]...)
				buf = append(buf, ": "...)
				var err error
				if buf, err = appendValue(buf, v); err != nil {
					return fmt.Errorf("%s.%s: %w", t.Name, t.Columns[i], err)
				}
			}
			buf = append(buf, '}')
			n++
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
			p.add(1)
			return nil
		})
		if err != nil {
			return err
		}
		if n > 0 {
			buf = append(buf, "\n    "...)
		}
		buf = append(buf, ']')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "\n  }\n}\n")
	return err
}

// appendJSONString appends s as a JSON string, without escaping <, > and &
// (the file is read by people, not put into web pages).
func appendJSONString(buf []byte, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(buf, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// appendValue writes one SQLite value. Integers are JSON numbers without a
// point, reals always with one (or an exponent), so the two come back as
// they were; what JSON cannot carry is an object with one marker key:
// {"blob_base64": ...} for bytes, {"text_base64": ...} for text that is not
// UTF-8, {"real": "+Inf"} for infinities.
func appendValue(buf []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case int64:
		return strconv.AppendInt(buf, v, 10), nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			buf = append(buf, `{"real": `...)
			buf = appendJSONString(buf, strconv.FormatFloat(v, 'g', -1, 64))
			return append(buf, '}'), nil
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return append(buf, s...), nil
	case string:
		if utf8.ValidString(v) {
			return appendJSONString(buf, v), nil
		}
		buf = append(buf, `{"text_base64": "`...)
		buf = base64.StdEncoding.AppendEncode(buf, []byte(v))
		return append(buf, `"}`...), nil
	case []byte:
		buf = append(buf, `{"blob_base64": "`...)
		buf = base64.StdEncoding.AppendEncode(buf, v)
		return append(buf, `"}`...), nil
	case bool:
		if v {
			return append(buf, '1'), nil
		}
		return append(buf, '0'), nil
	}
	return buf, fmt.Errorf("a value of type %T cannot be exported", v)
}

// --- import

// ImportArchive puts an archive made by ExportArchive into the data folder
// dataDir, which must hold no data yet (settings alone are allowed; the
// archive's replace them): all rows in one transaction, every media file
// checked against its sha256, accounts to be reconnected (the archive has
// no tokens). On any error nothing is imported: no row and no file stays.
// The caller holds the folder (no Localpost publishes from it meanwhile).
func ImportArchive(ctx context.Context, dataDir, path string, progress func(ArchiveProgress)) (err error) {
	if progress == nil {
		progress = func(ArchiveProgress) {}
	}
	defer func() {
		if errors.Is(err, context.Canceled) {
			err = fmt.Errorf("import cancelled; nothing was imported: %w", err)
		}
	}()
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s cannot be read as a Localpost archive: it is incomplete or damaged (%v); "+
			"export it again from the Localpost it came from", path, err)
	}
	defer zr.Close()
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		entries[f.Name] = f
	}
	dj := entries["data.json"]
	if dj == nil {
		return fmt.Errorf("%s is not a Localpost archive: it has no data.json", path)
	}
	var hdr archiveHeader
	if err := readDataJSON(dj, &hdr, nil); err != nil {
		return fmt.Errorf("%s: data.json: %w", path, err)
	}
	switch {
	case hdr.App != archiveApp:
		return fmt.Errorf("%s is not a Localpost archive (data.json says app %q)", path, hdr.App)
	case hdr.Format > ArchiveFormat:
		return fmt.Errorf("%s was made by a newer Localpost (archive format %d, this one reads %d); update Localpost, then import it",
			path, hdr.Format, ArchiveFormat)
	case hdr.Format < 1:
		return fmt.Errorf("%s: data.json has no valid format number", path)
	case hdr.SchemaVersion > data.LatestSchemaVersion():
		return fmt.Errorf("%s was made by a newer Localpost (database schema %d, this one knows %d); update Localpost, then import it",
			path, hdr.SchemaVersion, data.LatestSchemaVersion())
	case hdr.SchemaVersion < 1:
		return fmt.Errorf("%s: data.json has no valid schema_version", path)
	}

	st, err := data.Open(dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := st.BeginLoad(ctx)
	if errors.Is(err, data.ErrNotEmpty) {
		return fmt.Errorf("%s already holds Localpost data (%w). Import only into an empty data folder: "+
			"start Localpost with --data-dir and a new folder, or delete everything first, then import again",
			st.Dir, err)
	}
	if err != nil {
		return err
	}
	im := &importer{dir: st.Dir, entries: entries, listed: map[string]archiveFile{}, missing: map[string]bool{}}
	defer func() {
		if err != nil {
			l.Rollback()
			im.undo()
		}
	}()
	for _, f := range hdr.Files {
		im.listed[f.Path] = f
	}
	for _, m := range hdr.MissingFiles {
		im.missing[m] = true
	}
	p := &progressCounter{fn: progress}
	for _, n := range hdr.Counts {
		p.total += int(n)
	}

	var rowErr error // from a row, not from reading the file
	err = readDataJSON(dj, nil, func(table string, cols []string, vals []any) error {
		if p.current != table {
			p.start(table)
		}
		if rowErr = ctx.Err(); rowErr != nil {
			return rowErr
		}
		im.note(table, cols, vals)
		if rowErr = l.Insert(ctx, table, cols, vals); rowErr != nil {
			return rowErr
		}
		p.add(1)
		return nil
	})
	if err != nil && rowErr == nil {
		return fmt.Errorf("import %s: data.json is incomplete or damaged (%v); export the archive again", path, err)
	}
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	p.total = p.done + len(im.files)
	for _, f := range im.files {
		p.start(f.name)
		if err := im.place(ctx, f); err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		p.add(1)
	}
	if err := l.SetAccountStates(ctx, data.AccountConnected, data.AccountNeedsReconnect); err != nil {
		return err
	}
	if err := l.Commit(ctx); err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	progress(ArchiveProgress{Done: p.total, Total: p.total, Current: "done"})
	return nil
}

// importer places an archive's files and takes them away again when the
// import fails.
type importer struct {
	dir     string
	entries map[string]*zip.File
	listed  map[string]archiveFile // data.json's files, by path
	missing map[string]bool        // files the exporting folder had lost
	files   []exportFile           // to place, from the rows
	seen    map[string]bool
	placed  []string // files this import created
}

// note remembers the files a media or account row names.
func (im *importer) note(table string, cols []string, vals []any) {
	var sub, name, sum string
	for i, c := range cols {
		s, _ := vals[i].(string)
		switch {
		case table == "media" && c == "file":
			sub, name = data.MediaDir, s
		case table == "media" && c == "sha256":
			sum = s
		case table == "accounts" && c == "avatar_path":
			sub, name = data.AvatarDir, s
		}
	}
	if name == "" {
		return
	}
	zn := sub + "/" + name
	if im.seen == nil {
		im.seen = map[string]bool{}
	}
	if !im.seen[zn] {
		im.seen[zn] = true
		im.files = append(im.files, exportFile{name: zn, disk: name, sha256: sum})
	}
}

// place copies one file out of the archive beside its place, checks it and
// moves it in.
func (im *importer) place(ctx context.Context, f exportFile) error {
	if !plainName(f.disk) {
		return fmt.Errorf("%q is not a file name; the archive was altered", f.name)
	}
	zf := im.entries[f.name]
	if zf == nil {
		if im.missing[f.name] {
			return nil // it was already missing in the folder exported
		}
		return fmt.Errorf("%s is not in the archive; it is incomplete: export it again", f.name)
	}
	listed, ok := im.listed[f.name]
	if !ok {
		return fmt.Errorf("%s is not listed in data.json; the archive was altered", f.name)
	}
	dir := filepath.Join(im.dir, filepath.Dir(filepath.FromSlash(f.name)))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	dst := filepath.Join(dir, f.disk)
	if _, err := os.Stat(dst); err == nil {
		return nil // content-addressed: the same name is the same content
	}
	in, err := zf.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(dir, ".import-*")
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, in})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		if errors.Is(err, zip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%s is damaged inside the archive (%w); export it again", f.name, err)
		}
		return fmt.Errorf("%s: %w", f.name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if sum != listed.SHA256 || (f.sha256 != "" && sum != f.sha256) {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s does not match its sha256: the archive is damaged; export it again", f.name)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	im.placed = append(im.placed, dst)
	return nil
}

func (im *importer) undo() {
	for _, p := range im.placed {
		os.Remove(p)
	}
}

// readDataJSON reads data.json: the header into hdr (if not nil), then,
// when rows is not nil, every row of every table. The header must come
// before the tables, as ExportArchive writes it.
func readDataJSON(zf *zip.File, hdr *archiveHeader, rows func(table string, cols []string, vals []any) error) error {
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	dec.UseNumber()
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	var h archiveHeader
	if hdr == nil {
		hdr = &h
	}
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return err
		}
		var dst any
		switch key {
		case "format":
			dst = &hdr.Format
		case "app":
			dst = &hdr.App
		case "app_version":
			dst = &hdr.AppVersion
		case "exported_at":
			dst = &hdr.ExportedAt
		case "schema_version":
			dst = &hdr.SchemaVersion
		case "counts":
			dst = &hdr.Counts
		case "files":
			dst = &hdr.Files
		case "missing_files":
			dst = &hdr.MissingFiles
		case "tables":
			if rows == nil {
				return nil
			}
			if err := readTables(dec, rows); err != nil {
				return err
			}
			continue
		default:
			dst = new(json.RawMessage)
		}
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	if rows != nil {
		_, err = dec.Token() // the closing brace; a truncated file fails here
	}
	return err
}

func readTables(dec *json.Decoder, rows func(table string, cols []string, vals []any) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		table, err := stringToken(dec)
		if err != nil {
			return err
		}
		if err := expectDelim(dec, '['); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		var cols []string
		var vals []any
		for dec.More() {
			cols, vals = cols[:0], vals[:0]
			if err := expectDelim(dec, '{'); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
			for dec.More() {
				col, err := stringToken(dec)
				if err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
				v, err := readValue(dec)
				if err != nil {
					return fmt.Errorf("%s.%s: %w", table, col, err)
				}
				cols, vals = append(cols, col), append(vals, v)
			}
			if err := expectDelim(dec, '}'); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
			if err := rows(table, cols, vals); err != nil {
				return err
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != d {
		return fmt.Errorf("expected %q, found %v", d, tok)
	}
	return nil
}

func stringToken(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("expected a name, found %v", tok)
	}
	return s, nil
}

// readValue is the inverse of appendValue.
func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case nil, string:
		return v, nil
	case json.Number:
		s := string(v)
		if strings.ContainsAny(s, ".eE") {
			return strconv.ParseFloat(s, 64)
		}
		return strconv.ParseInt(s, 10, 64)
	case json.Delim:
		if v != '{' {
			break
		}
		marker, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		body, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		if err := expectDelim(dec, '}'); err != nil {
			return nil, err
		}
		switch marker {
		case "blob_base64":
			return base64.StdEncoding.DecodeString(body)
		case "text_base64":
			b, err := base64.StdEncoding.DecodeString(body)
			return string(b), err
		case "real":
			return strconv.ParseFloat(body, 64)
		}
		return nil, fmt.Errorf("unknown value marker %q", marker)
	}
	return nil, fmt.Errorf("unexpected %v", tok)
}

// --- README

// tableNotes say what each table is, for README.txt.
var tableNotes = map[string]string{
	"accounts":       "the connected profiles, pages and channels (never a token)",
	"posts":          "every post: text, internal title, planned instant and zone, state derived from its targets; undated posts are ideas",
	"targets":        "one per post and account: per-account text and options (JSON), state, remote id and address, attempts, last error",
	"media":          "the stored files: sha256 (the file's name in media/), type, size, dimensions, original name",
	"post_media":     "which files a post uses, in order, with the alt text",
	"attempts":       "every try to publish a target: start, end, outcome, HTTP status, message",
	"metrics":        "every reading of a number (likes, followers, ...): target_id null = the account's own",
	"metrics_latest": "each published target's newest numbers, one column per metric",
	"metrics_sync":   "per account, when its numbers were last read and why the last read failed",
	"remote_changes": "edits, moves and deletes a network still has to be told about",
	"snippets":       "saved texts and hashtag groups",
	"labels":         "labels with their colour",
	"post_labels":    "which labels a post has, in order",
	"queue_slots":    "posting times per account: weekday (0 = Sunday) and minute of the day in the account's zone",
	"series":         "repeating posts: every n days or weeks, until a day or a count",
	"settings":       "preferences, as key and value",
}

func archiveReadme(hdr archiveHeader, tables []data.DumpTable) string {
	var b strings.Builder
	fmt.Fprintf(&b, `Localpost export
================

Everything Localpost kept about you on %s: every post, account, number and
setting, and the files your posts use. Made by Localpost %s.
Archive format %d, database schema %d.

Not in here: the logins (tokens) and the networks' app secrets. They are in
your operating system's keyring only and are never written to a file. After
an import, reconnect each account once.
Not in here either: thumbnails (Localpost makes them again) and backups.

Files
-----
README.txt        this text
data.json         every row of every table (UTF-8 JSON)
media/<sha256>.<ext>   the pictures, videos and documents your posts use;
                  the name is the SHA-256 of the content
avatars/<file>    the accounts' profile pictures

data.json
---------
{
  "format": %d,                 the layout of this archive
  "app": "localpost",
  "app_version": "...",
  "exported_at": "...",         RFC 3339, UTC
  "schema_version": %d,         the database schema the rows come from
  "counts": {"posts": 12, ...}, rows per table
  "files": [{"path": "media/...", "size": 1234, "sha256": "..."}, ...],
  "missing_files": [...],       files the database named but the folder had lost
  "tables": {"posts": [{"id": 1, "text": "...", ...}, ...], ...}
}

Each table is a list of rows; each row an object from column name to value.
Values:
- whole numbers are JSON numbers without a point (ids, counts, instants);
- real numbers always have a point or an exponent (2.0, 1.5e-07);
- texts are JSON strings; null is "no value";
- bytes are {"blob_base64": "<base64>"}; a text that is not valid UTF-8 is
  {"text_base64": "<base64>"}; an infinite number is {"real": "+Inf"}.
Instants (columns ending in _at, token_expiry, until) are milliseconds since
1970-01-01 UTC; "zone" columns hold the IANA time zone they were planned in.
Rows point at each other by id: targets.post_id is a posts.id,
targets.account_id an accounts.id, and so on. options, pending and extra
hold JSON the networks need.

Tables
------
`, hdr.ExportedAt, hdr.AppVersion, hdr.Format, hdr.SchemaVersion, hdr.Format, hdr.SchemaVersion)
	names := make([]string, 0, len(tables))
	cols := map[string][]string{}
	for _, t := range tables {
		names = append(names, t.Name)
		cols[t.Name] = t.Columns
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s (%d rows)", n, hdr.Counts[n])
		if note := tableNotes[n]; note != "" {
			fmt.Fprintf(&b, ": %s", note)
		}
		fmt.Fprintf(&b, "\n    %s\n", strings.Join(cols[n], ", "))
	}
	b.WriteString(`
Reading it without Localpost
----------------------------
Any zip tool opens the archive. To check the files:
    sha256sum media/*        (each name is its checksum)
To list your posts with jq:
    jq -r '.tables.posts[] | [.id, .planned_at, .text] | @tsv' data.json
In Python:
    import json, zipfile
    d = json.load(zipfile.ZipFile("export.zip").open("data.json"))
    for p in d["tables"]["posts"]: print(p["id"], p["text"])

Importing it
------------
In Localpost, "Import an archive" puts it back into an empty data folder
(start Localpost with --data-dir and a new folder, or delete everything
first). Every row and file comes back; accounts ask to be reconnected.
`)
	return b.String()
}
