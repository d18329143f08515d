-- wrk script: password grants for one demo user (every request costs one BCrypt check).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=password&username=johndoe&password=secret"
