"""Open data (/open-data/): the 360Giving and OCDS files and the page explaining them."""
