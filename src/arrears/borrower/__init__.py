"""The borrower's own portal at /my/: sign-in with a one-time code, the balance, the notice, disputes, complaints."""
