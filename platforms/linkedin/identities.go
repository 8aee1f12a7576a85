package linkedin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"localpost/platforms"
)

// Identity kinds and the Extra key the provider reads back in Publish.
const (
	KindProfile      = "profile"
	KindOrganization = "organization"
	ExtraAuthor      = "author" // urn:li:person:<sub> or urn:li:organization:<id>
)

// Identities lists the member (GET /v2/userinfo) and every organization the
// member administers (GET /rest/organizationAcls, then /rest/organizations/{id}).
// A login without the organization scopes, or an app without the
// Community Management API, yields the member alone.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	var ui struct {
		Sub     string `json:"sub"`
		Name    string `json:"name"`
		Picture string `json:"picture"`
	}
	if _, err := p.call(ctx, http.MethodGet, p.restURL("/v2/userinfo", nil), t.Access, nil, &ui); err != nil {
		return nil, err
	}
	if ui.Sub == "" {
		return nil, &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn gave no member id for this login"}
	}
	out := []platforms.Identity{{
		RemoteID:  ui.Sub,
		Kind:      KindProfile,
		Name:      ui.Name,
		AvatarURL: ui.Picture,
		Extra:     map[string]string{ExtraAuthor: "urn:li:person:" + ui.Sub},
	}}
	if len(t.Scopes) > 0 && !slices.Contains(t.Scopes, "rw_organization_admin") && !slices.Contains(t.Scopes, "r_organization_admin") {
		return out, nil
	}
	orgs, err := p.adminOrgs(ctx, t.Access)
	if err != nil {
		var pe *platforms.Error
		if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
			return out, nil // no Community Management API: the member alone
		}
		return nil, err
	}
	for _, id := range orgs {
		var org struct {
			ID            int64  `json:"id"`
			LocalizedName string `json:"localizedName"`
			VanityName    string `json:"vanityName"`
		}
		if _, err := p.call(ctx, http.MethodGet, p.restURL("/rest/organizations/"+url.PathEscape(id), nil), t.Access, nil, &org); err != nil {
			return nil, err
		}
		name := org.LocalizedName
		if name == "" {
			name = "Organization " + id
		}
		idn := platforms.Identity{
			RemoteID: id,
			Kind:     KindOrganization,
			Name:     name,
			Handle:   org.VanityName,
			Extra:    map[string]string{ExtraAuthor: "urn:li:organization:" + id},
		}
		if org.VanityName != "" {
			idn.URL = p.cfg.WebURL + "/company/" + url.PathEscape(org.VanityName) + "/"
		}
		out = append(out, idn)
	}
	return out, nil
}

// adminOrgs pages through the member's approved ADMINISTRATOR roles.
func (p *Provider) adminOrgs(ctx context.Context, token string) ([]string, error) {
	const count = 100
	var ids []string
	for start := 0; start < 10*count; start += count {
		q := url.Values{"q": {"roleAssignee"}, "role": {"ADMINISTRATOR"}, "state": {"APPROVED"},
			"start": {strconv.Itoa(start)}, "count": {strconv.Itoa(count)}}
		var page struct {
			Elements []struct {
				Organization string `json:"organization"`
				Role         string `json:"role"`
				State        string `json:"state"`
			} `json:"elements"`
		}
		if _, err := p.call(ctx, http.MethodGet, p.restURL("/rest/organizationAcls", q), token, nil, &page); err != nil {
			return nil, err
		}
		for _, e := range page.Elements {
			id, ok := strings.CutPrefix(e.Organization, "urn:li:organization:")
			if ok && id != "" && e.State == "APPROVED" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(page.Elements) < count {
			break
		}
	}
	return ids, nil
}
