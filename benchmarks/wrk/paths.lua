-- GET one of the request paths listed in the file named by PATHS_FILE (one "/fhir/..." path per line), chosen at
-- random for each request.
local paths = {}
init = function(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept"] = "application/fhir+json" })
end
