-- queries.sql: questions of the sp store.  sqlite3 sp.db < queries.sql
-- A play counts as a listen from 30 seconds on (Spotify's convention).

-- What is in the store.
SELECT (SELECT count(*) FROM plays) AS plays,
       (SELECT count(*) FROM tracks) AS tracks,
       (SELECT count(*) FROM tracks WHERE status = 'ok') AS enriched,
       (SELECT count(*) FROM tracks WHERE status = 'not_found') AS not_found,
       (SELECT count(*) FROM tracks WHERE status IS NULL) AS pending,
       (SELECT count(*) FROM artists WHERE status = 'ok') AS artists;

-- Top genre families by listening time (hours).
SELECT coalesce(g.family, '(unmapped)') AS family,
       round(sum(p.ms_played) / 3600000.0, 1) AS hours
FROM plays p
JOIN track_artists ta ON ta.track_id = p.track_id AND ta.position = 0
JOIN artist_genres ag ON ag.artist_id = ta.artist_id AND ag.position = 0
JOIN genres g ON g.genre = ag.genre
WHERE p.ms_played >= 30000
GROUP BY 1 ORDER BY 2 DESC LIMIT 10;

-- Top genres by listening time (hours).
SELECT ag.genre, round(sum(p.ms_played) / 3600000.0, 1) AS hours
FROM plays p
JOIN track_artists ta ON ta.track_id = p.track_id AND ta.position = 0
JOIN artist_genres ag ON ag.artist_id = ta.artist_id
WHERE p.ms_played >= 30000
GROUP BY 1 ORDER BY 2 DESC LIMIT 10;

-- Listening by release decade.
SELECT ((al.release_year / 10) * 10) || 's' AS decade,
       count(*) AS listens,
       round(sum(p.ms_played) / 3600000.0, 1) AS hours
FROM plays p
JOIN tracks t ON t.id = p.track_id
JOIN albums al ON al.id = t.album_id
WHERE p.ms_played >= 30000 AND al.release_year IS NOT NULL
GROUP BY 1 ORDER BY 1;

-- Top artists by listens.
SELECT a.name AS artist, count(*) AS listens
FROM plays p
JOIN track_artists ta ON ta.track_id = p.track_id
JOIN artists a ON a.id = ta.artist_id
WHERE p.ms_played >= 30000
GROUP BY a.id ORDER BY 2 DESC, 1 LIMIT 10;

-- Plays by month.
SELECT substr(ts, 1, 7) AS month, count(*) AS plays
FROM plays GROUP BY 1 ORDER BY 1;
