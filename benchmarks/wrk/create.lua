-- POST [base]/Patient: a durable create (2xx only after the commit is on disk).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/fhir+json"
wrk.body = [[{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.8","value":"280057512345674"}],"name":[{"family":"Bench","given":["Wrk"]}],"gender":"female","birthDate":"1980-05-07","address":[{"city":"Lyon","postalCode":"69003","country":"FR"}]}]]
