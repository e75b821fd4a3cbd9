"""The import: the export's file (source, json_stream, inflate), the reading process that
parses it (reading_process, records), the importing side's pipeline (service), its media
(media_stage), merging with stored versions (merge), the report (report), and the guard
that keeps one import per profile (guard, owner). The window starts imports in a child
process that speaks worker_protocol."""
