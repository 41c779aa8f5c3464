"""What each spaceport and launch vehicle can reach."""
