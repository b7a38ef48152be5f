-- GET [base]/Type/id for ids chosen at random from the file named by IDS_FILE (one "Type/id" per line).
local ids = {}
init = function(args)
  for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
request = function()
  return wrk.format("GET", "/fhir/" .. ids[math.random(#ids)])
end
