//! What kordon's signed-in page families (the console, the account page) share around their
//! content: the layout's navigation entries and a card's link. Their templates are in
//! `templates/pages/` (the bar, the navigation, the footer; a card outside a session; a question
//! before an action; a message), filled by each family's own `Layout` and pages, which carry the
//! same field names (`t.lang`, `t.product`, `t.sign_out`, `t.footer`, `t.cancel`,
//! `t.nav_overview`; `home`, `title`, `nav`, `who`, `scope`, `csrf`).

/// One entry of a page family's navigation.
pub(crate) struct Nav {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// A link under a card's message.
pub(crate) struct CardLink {
    pub href: &'static str,
    pub label: &'static str,
}

/// The id a query or a form names (none: not a number, found by nobody).
pub(crate) fn id_of(value: Option<&str>) -> i64 {
    value.and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}
