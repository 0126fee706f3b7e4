-- Events read and rejected by the reader.
SELECT count(*) FILTER (WHERE ok) AS events, count(*) FILTER (WHERE NOT ok) AS rejected FROM events;
