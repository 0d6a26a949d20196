-- wrk script: sign in as the benchmark user over and over (each a full Argon2id check and a
-- new session). FIREDRILL_PASSWORD holds the password, already form-encoded.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "csrf=new&name=bench&password=" .. os.getenv("FIREDRILL_PASSWORD")
local answers = {}
response = function(status)
  answers[status] = (answers[status] or 0) + 1
end
done = function()
  for status, count in pairs(answers) do
    io.write(string.format("sign-in answers %d: %d\n", status, count))
  end
end
