-- wrk: each thread (run one connection per thread) revises a patient of its own with
-- If-Match, taking the next ETag from each answer, as a client editing a record does.
-- Arguments: the access token, then "patient-id=etag" for each thread.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("index", threads)
end

function init(args)
  token = args[1]
  local patient, first = args[index + 1]:match("([^=]+)=(.+)")
  path = "/api/v1/patients/" .. patient
  etag = first
  body = '{"givenName":"Ada","familyName":"Lovelace","birthDate":"1980-01-01","sex":"female"}'
end

function request()
  return wrk.format("PUT", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = etag,
  }, body)
end

function response(status, headers, body)
  etag = headers["etag"] or headers["ETag"] or etag
end
