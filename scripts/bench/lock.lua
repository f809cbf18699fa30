-- wrk: each thread (run one connection per thread) takes the lock on a patient of its
-- own and releases it, in turn. Arguments: the access token, then a patient id for
-- each thread.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("index", threads)
end

function init(args)
  token = args[1]
  body = '{"resource":"patients/' .. args[index + 1] .. '","ttlSeconds":60}'
end

function request()
  if held then
    return wrk.format("DELETE", "/api/v1/locks/" .. held, { ["Authorization"] = "Bearer " .. token })
  end
  return wrk.format("POST", "/api/v1/locks", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if held then
    held = nil
  else
    held = body:match('"token":"([^"]+)"')
  end
end
