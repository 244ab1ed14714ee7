"""Field visits: screening, approval, scheduling, notice, verification code, check-in/out and outcome."""
