"""Potential victims (person records and entities), NRM referrals and Duty to Notify reports."""
