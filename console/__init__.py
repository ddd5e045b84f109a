"""The staff console (工作台): see console.app."""
