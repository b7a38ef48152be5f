-- GET one of the request paths listed in the file named by PATHS_FILE (one "/fhir/..." path per line), chosen at
-- random for each request. WRK_AUTHORIZATION, when set, is sent as the Authorization header ("Bearer ...").
local paths = {}
local authorization = os.getenv("WRK_AUTHORIZATION")
init = function(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
request = function()
  local headers = { ["Accept"] = "application/fhir+json" }
  if authorization and authorization ~= "" then headers["Authorization"] = authorization end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
