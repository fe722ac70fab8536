"""Income Watch (增收监测): everything that is not UI. Never imports streamlit."""
