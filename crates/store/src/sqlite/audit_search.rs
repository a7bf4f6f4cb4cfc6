//! The audit search's plans on SQLite: each filter reads its own index, never the time index
//! row by row (the search is written by `sql::audit::search`, for both stores).

#[cfg(test)]
mod tests {
    use super::super::sql::audit::search;
    use kordon_core::audit::AuditFilter;

    /// What SQLite would do for `filter`: its plan's lines, joined.
    async fn plan(pool: &sqlx::SqlitePool, filter: &AuditFilter) -> String {
        let mut query = search("EXPLAIN QUERY PLAN SELECT id FROM audit_log", filter);
        let lines: Vec<(i64, i64, i64, String)> = query.build_query_as().fetch_all(pool).await.expect("plan");
        lines.into_iter().map(|line| line.3).collect::<Vec<_>>().join("; ")
    }

    #[tokio::test]
    async fn each_filter_reads_its_own_index() {
        let (store, dir) = crate::sqlite::test_store("audit-search").await;
        let page = AuditFilter { limit: 50, ..AuditFilter::default() };
        let cases = [
            (AuditFilter { user_id: Some(7), ..page.clone() }, "INDEX audit_log_user (user_id=?)"),
            (AuditFilter { tenant_id: Some(3), ..page.clone() }, "INDEX audit_log_tenant (tenant_id=?)"),
            (AuditFilter { ip: Some("192.0.2.1".into()), ..page.clone() }, "INDEX audit_log_host (host=?)"),
            (AuditFilter { since: Some(1), until: Some(2), ..page.clone() }, "INDEX audit_log_at (at>? AND at<?)"),
            (page.clone(), "SCAN audit_log USING COVERING INDEX audit_log_at"),
        ];
        for (filter, index) in cases {
            let plan = plan(&store.pool, &filter).await;
            assert!(plan.contains(index), "{filter:?}: {plan}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
