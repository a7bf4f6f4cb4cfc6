# bench/run.sh's summary: a line a scenario, from the round with its median req/s (of the rounds
# it ran), and the median over rounds of its req/s ÷ the same round's /healthz. Plain awk (mawk).
BEGIN { round = 1 }
/^# round / { round = $3; next }
/^== server CPU:/ { cpu[name, round] = $4; store[name, round] = $10; next }
/^== audit events dropped:/ { dropped[name, round] = $5; next }
/^== / { name = $2; if (!(name in seen)) { seen[name] = 1; names[++count] = name }; runs[name] = runs[name] " " round; next }
/Requests\/sec/ { rps[name, round] = $2 }
/^ +50%/ { p50[name, round] = $2 }
/^ +99%/ { p99[name, round] = $2 }
# The median of the numbers in v[1..n] (sorted in place), the lower of the middle two.
function median(v, n,    i, j, t) {
  for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
  return v[int((n + 1) / 2)]
}
END {
  for (k = 1; k <= count; k++) {
    n = names[k]
    if (n == "summary") continue
    m = split(runs[n], r, " ")
    delete v; delete q; nv = 0; nq = 0
    for (i = 1; i <= m; i++) if ((n, r[i]) in rps) {
      v[++nv] = rps[n, r[i]] + 0
      if (("healthz", r[i]) in rps && rps["healthz", r[i]] > 0) q[++nq] = v[nv] / rps["healthz", r[i]]
    }
    if (nv == 0) continue
    mid = median(v, nv)
    for (i = 1; i <= m; i++) if ((n, r[i]) in rps && rps[n, r[i]] + 0 == mid) { at = r[i]; break }
    printf "%-14s %10.2f  p50 %8s  p99 %8s  cpu %5s us  store %4s us  ÷healthz %s  audit dropped %s\n", n, mid,
      p50[n, at], p99[n, at], ((n, at) in cpu) ? cpu[n, at] : "-",
      ((n, at) in store && store[n, at] != "") ? store[n, at] : "-", nq ? sprintf("%.2f", median(q, nq)) : "-",
      ((n, at) in dropped) ? dropped[n, at] : "-"
  }
}
