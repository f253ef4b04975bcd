"""Background tasks of the monitoring app: none yet — the yearly assessment that proposes cases in bulk
arrives with the policy and assessment module (issue [D])."""
