# Sourced by the benchmark scripts: wrk_post FILE BODY writes the wrk script that POSTs BODY as JSON, the request
# every benchmark here sends (a non-streaming chat completion unless BODY says otherwise).
wrk_post() {
  cat > "$1" <<LUA
wrk.method = "POST"
wrk.body = '$2'
wrk.headers["Content-Type"] = "application/json"
LUA
}
