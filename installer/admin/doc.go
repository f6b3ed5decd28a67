// Package admin is the admin channel: an HTTP session in a store's own
// admin panel, logged in with the merchant's admin login or with a
// temporary Administrator account that ocsetup creates in the database and
// removes again (also after a crash: CleanupLeftovers).
//
// Through a session ocsetup does what a person does in the admin:
//
//   - install an extension by the store's own route, so that the
//     extension's install() runs (tables, events, sub-methods, permissions);
//   - open the extension's settings page and read its form (text, password,
//     select, radio, checkbox, textarea, multi-select, hidden fields, tabs);
//   - fill the form and post it as the browser would (a form post up to
//     3.x, the AJAX post that expects JSON on 4.x), and read back the
//     validation errors;
//   - refresh modifications (OCMOD) after a package with install.xml.
//
// The lines differ in routes, token names and answers (Dialect):
// token= up to 2.3, user_token= from 3.0; 4.x logs in through a
// login_token and answers JSON; 4.0.0–4.0.1 separate a route's method with
// "|", 4.0.2 and later with ".". Sources are cited as oc@TAG:path
// (docs/opencart.md §4–§7).
package admin
