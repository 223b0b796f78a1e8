-- report-ref.sql: the reference for section "report" of bench/run: each
-- sp-report report as one query a person would write for the sqlite3
-- shell, with the same counting rules (a listen from 30 s; time split
-- equally among the distinct genres of the first artist).  bench/run
-- runs the query after each "-- report: NAME" line on its own.

-- report: genres
WITH l AS (SELECT track_id, count(*) AS n, sum(ms_played) AS ms FROM plays
    WHERE ms_played >= 30000 GROUP BY track_id),
  g AS (SELECT DISTINCT artist_id, genre FROM artist_genres),
  k AS (SELECT artist_id, count(*) AS k FROM g GROUP BY artist_id)
SELECT g.genre, ge.family, round(sum(l.ms * 1.0 / k.k)),
  round(sum(l.n * 1.0 / k.k), 2)
FROM l JOIN track_artists ta ON ta.track_id = l.track_id AND ta.position = 0
JOIN k ON k.artist_id = ta.artist_id JOIN g ON g.artist_id = ta.artist_id
LEFT JOIN genres ge ON ge.genre = g.genre
GROUP BY g.genre ORDER BY 3 DESC LIMIT 20;

-- report: families
WITH l AS (SELECT track_id, count(*) AS n, sum(ms_played) AS ms FROM plays
    WHERE ms_played >= 30000 GROUP BY track_id),
  g AS (SELECT DISTINCT artist_id, genre FROM artist_genres),
  k AS (SELECT artist_id, count(*) AS k FROM g GROUP BY artist_id)
SELECT ge.family, round(sum(l.ms * 1.0 / k.k)), round(sum(l.n * 1.0 / k.k), 2)
FROM l JOIN track_artists ta ON ta.track_id = l.track_id AND ta.position = 0
JOIN k ON k.artist_id = ta.artist_id JOIN g ON g.artist_id = ta.artist_id
LEFT JOIN genres ge ON ge.genre = g.genre
GROUP BY ge.family ORDER BY 2 DESC;

-- report: decades
SELECT al.release_year / 10 * 10 AS decade, sum(p.ms_played), count(*)
FROM plays p LEFT JOIN tracks t ON t.id = p.track_id
LEFT JOIN albums al ON al.id = t.album_id
WHERE p.ms_played >= 30000 GROUP BY decade ORDER BY decade;

-- report: years
SELECT al.release_year, sum(p.ms_played), count(*)
FROM plays p LEFT JOIN tracks t ON t.id = p.track_id
LEFT JOIN albums al ON al.id = t.album_id
WHERE p.ms_played >= 30000 GROUP BY 1 ORDER BY 1;

-- report: age
SELECT CAST(strftime('%Y', p.ts, 'localtime') AS INTEGER) - al.release_year
  AS age, sum(p.ms_played), count(*)
FROM plays p LEFT JOIN tracks t ON t.id = p.track_id
LEFT JOIN albums al ON al.id = t.album_id
WHERE p.ms_played >= 30000 GROUP BY age ORDER BY age;

-- report: artists
SELECT ta.artist_id, a.name, sum(p.ms_played) AS ms, count(*)
FROM plays p JOIN track_artists ta ON ta.track_id = p.track_id
  AND ta.position = 0
LEFT JOIN artists a ON a.id = ta.artist_id
WHERE p.ms_played >= 30000 GROUP BY ta.artist_id ORDER BY ms DESC LIMIT 20;

-- report: tracks
SELECT p.track_id, coalesce(t.name, max(p.track_name)), sum(p.ms_played) AS ms,
  count(*)
FROM plays p LEFT JOIN tracks t ON t.id = p.track_id
WHERE p.ms_played >= 30000 AND p.track_id IS NOT NULL
GROUP BY p.track_id ORDER BY ms DESC LIMIT 20;

-- report: albums
SELECT t.album_id, al.name, al.release_year, sum(p.ms_played) AS ms, count(*)
FROM plays p JOIN tracks t ON t.id = p.track_id
LEFT JOIN albums al ON al.id = t.album_id
WHERE p.ms_played >= 30000 AND t.album_id IS NOT NULL
GROUP BY t.album_id ORDER BY ms DESC LIMIT 20;

-- report: months
WITH g AS (SELECT DISTINCT artist_id, genre FROM artist_genres),
  k AS (SELECT artist_id, count(*) AS k FROM g GROUP BY artist_id),
  m AS (SELECT strftime('%Y-%m', ts, 'localtime') AS month, track_id,
    count(*) AS n, sum(ms_played) AS ms FROM plays
    WHERE ms_played >= 30000 GROUP BY month, track_id),
  f AS (SELECT m.month, ge.family, sum(m.ms * 1.0 / k.k) AS fms FROM m
    JOIN track_artists ta ON ta.track_id = m.track_id AND ta.position = 0
    JOIN k ON k.artist_id = ta.artist_id JOIN g ON g.artist_id = ta.artist_id
    JOIN genres ge ON ge.genre = g.genre AND ge.family IS NOT NULL
    GROUP BY m.month, ge.family),
  top AS (SELECT month, family, row_number() OVER (PARTITION BY month
    ORDER BY fms DESC, family) AS r FROM f)
SELECT m.month, top.family, sum(m.ms), sum(m.n) FROM m
LEFT JOIN top ON top.month = m.month AND top.r = 1
GROUP BY m.month ORDER BY m.month;

-- report: clock
SELECT strftime('%w', ts, 'localtime') AS weekday,
  strftime('%H', ts, 'localtime') AS hour, sum(ms_played), count(*)
FROM plays WHERE ms_played >= 30000 GROUP BY weekday, hour;

-- report: coverage
SELECT sum(CASE WHEN t.status = 'ok' THEN p.ms_played END),
  sum(CASE WHEN t.status = 'not_found' THEN p.ms_played END),
  sum(CASE WHEN p.track_id IS NOT NULL AND t.status IS NULL
    THEN p.ms_played END),
  sum(CASE WHEN p.track_id IS NULL THEN p.ms_played END),
  sum(CASE WHEN t.status = 'ok' AND NOT EXISTS (SELECT 1
    FROM artist_genres g WHERE g.artist_id = ta.artist_id)
    THEN p.ms_played END),
  sum(CASE WHEN t.status = 'ok' AND al.release_year IS NULL
    THEN p.ms_played END)
FROM plays p LEFT JOIN tracks t ON t.id = p.track_id
LEFT JOIN albums al ON al.id = t.album_id
LEFT JOIN track_artists ta ON ta.track_id = p.track_id AND ta.position = 0
WHERE p.ms_played >= 30000;
