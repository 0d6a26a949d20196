-- wrk script: POST an answer to /attempts with the session in FIREDRILL_COOKIE / FIREDRILL_CSRF.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("FIREDRILL_COOKIE")
local csrf = os.getenv("FIREDRILL_CSRF")
local answer = "ArgoCD+and+the+HPA+are+fighting+over+spec.replicas%3A+Argo+keeps+reverting+the+HPA.+" ..
  "This+is+a+common+GitOps+pitfall.+Add+ignoreDifferences+for+%2Fspec%2Freplicas+to+the+" ..
  "Application+manifest+in+Git+so+the+fix+is+durable.+Afterwards+audit+other+apps+with+an+HPA.+"
local n = 0
request = function()
  n = n + 1
  local body = "csrf=" .. csrf .. "&scenario=gitops-drift-causing-outage&answer=" .. answer .. n
  return wrk.format(nil, "/attempts", nil, body)
end
