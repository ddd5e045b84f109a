-- The statistics (统计, GET /api/v1/stats/help) read the requests received in a period: without an
-- index on when they were received, a month of a million requests was a scan of all of them.
CREATE INDEX help_requests_created ON help_requests(created_at);
