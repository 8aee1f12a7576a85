package youtube

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"localpost/platforms"
)

// A video YouTube holds for later is private with status.publishAt set;
// YouTube makes it public at that time. Moving it is videos.update of the
// status part with a new publishAt; taking it back is videos.delete. Both
// read the video first (videos.list), so one that is public already is
// never deleted or moved by mistake.
//
// Why delete rather than leave it private: Localpost uploaded the video
// only to be published at that time, and the user who deletes or rewrites
// the post in Localpost expects it gone from the channel, as on the other
// networks. A private copy left behind would pile up with every edit (an
// edit uploads the new version), and the file itself stays in Localpost's
// data folder. Both calls need the youtube.force-ssl scope: an account
// connected before Localpost asked for it gets a "reconnect" error.

var (
	_ platforms.Unscheduler = (*Provider)(nil)
	_ platforms.Rescheduler = (*Provider)(nil)
)

// videoStatus reads a video's status part; found is false when YouTube
// has no such video (deleted already).
func (p *Provider) videoStatus(ctx context.Context, token, id string) (st map[string]any, found bool, err error) {
	q := url.Values{"part": {"status"}, "id": {id}}
	var out struct {
		Items []struct {
			ID     string         `json:"id"`
			Status map[string]any `json:"status"`
		} `json:"items"`
	}
	if err := p.getJSON(ctx, p.cfg.APIURL+"/videos?"+q.Encode(), token, &out); err != nil {
		return nil, false, err
	}
	for _, it := range out.Items {
		if it.ID == id {
			if it.Status == nil {
				it.Status = map[string]any{}
			}
			return it.Status, true, nil
		}
	}
	return nil, false, nil
}

// scheduled reports whether a video's status is "held for later": private
// with a publishAt still ahead. Public or unlisted means published.
func (p *Provider) scheduled(st map[string]any) (held, published bool) {
	privacy, _ := st["privacyStatus"].(string)
	if privacy != "private" {
		return false, true
	}
	at, _ := st["publishAt"].(string)
	t, err := time.Parse(time.RFC3339, at)
	if at == "" || err != nil {
		return false, false // made private without a time: nobody will publish it
	}
	if !t.After(p.now()) {
		return false, true // YouTube publishes it at publishAt
	}
	return true, false
}

func alreadyPublished() error {
	return &platforms.Error{Kind: platforms.KindFixPost, Message: "YouTube has already published this video",
		Err: platforms.ErrAlreadyPublished}
}

// CancelScheduled deletes a video YouTube holds for later (videos.delete).
// A video already gone, or made private without a time by someone else,
// counts as cancelled and is left alone.
func (p *Provider) CancelScheduled(ctx context.Context, id platforms.Identity, t platforms.Token, remoteID string) error {
	st, found, err := p.videoStatus(ctx, t.Access, remoteID)
	if err != nil || !found {
		return err
	}
	held, published := p.scheduled(st)
	if published {
		return alreadyPublished()
	}
	if !held {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, p.cfg.APIURL+"/videos?"+url.Values{"id": {remoteID}}.Encode(), nil)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to " + p.host(p.cfg.APIURL), Err: err}
	}
	resp, err := p.do(req, t.Access)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	return p.decode(resp, t.Access, nil)
}

// Reschedule sets a new publishAt on a video YouTube holds for later
// (videos.update, part=status). The whole status part is sent back as read,
// since videos.update resets what it is not given.
func (p *Provider) Reschedule(ctx context.Context, id platforms.Identity, t platforms.Token, remoteID string, at time.Time) error {
	if !at.After(p.now().Add(time.Minute)) {
		return &platforms.Error{Kind: platforms.KindFixPost, Message: "YouTube needs a publishing time in the future"}
	}
	st, found, err := p.videoStatus(ctx, t.Access, remoteID)
	if err != nil {
		return err
	}
	if !found {
		return &platforms.Error{Kind: platforms.KindDisconnected, Status: http.StatusNotFound, Message: "YouTube no longer has this video"}
	}
	if _, published := p.scheduled(st); published {
		return alreadyPublished()
	}
	for _, k := range []string{"uploadStatus", "failureReason", "rejectionReason"} {
		delete(st, k) // read-only
	}
	st["privacyStatus"] = "private"
	st["publishAt"] = at.UTC().Format(time.RFC3339)
	body, _ := json.Marshal(map[string]any{"id": remoteID, "status": st})
	u := p.cfg.APIURL + "/videos?" + url.Values{"part": {"status"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		return &platforms.Error{Message: "could not build the request to " + p.host(u), Err: err}
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	resp, err := p.do(req, t.Access)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	return p.decode(resp, t.Access, &out)
}
